#include "sign_binding.hpp"

#include <cmath>

#include "crypto/crypto.hpp"
#include "edgepg/sign/rds_token.hpp"
#include "util/hex.hpp"

namespace edgepg::bindings {

CallResult rds_auth_token(const std::string& hostname, double port, const std::string& username,
                          const std::string& region, const std::string& access_key_id,
                          const std::string& secret_access_key, const std::string& session_token,
                          double epoch_seconds) {
  CallResult r;
  if (!(port >= 1 && port <= 65535) || std::floor(port) != port) {
    r.code = static_cast<int>(ErrorCode::invalid_argument);
    r.name = error_name(ErrorCode::invalid_argument);
    r.message = "port must be an integer from 1 to 65535";
    return r;
  }
  sign::Credentials creds;
  creds.access_key_id = access_key_id;
  creds.secret_access_key = secret_access_key;
  creds.session_token = session_token;
  const auto s = sign::rds_auth_token(hostname, static_cast<std::uint16_t>(port), username, region, creds,
                                      static_cast<std::int64_t>(std::floor(epoch_seconds)), r.value);
  r.code = static_cast<int>(s.code());
  r.name = s.ok() ? "" : s.name();
  r.message = s.message();
  return r;
}

std::string sha256_hex(const std::string& text) {
  const auto d = crypto::sha256(crypto::bytes_of(text));
  return util::hex_lower(d);
}

double pbkdf2_count() { return static_cast<double>(crypto::pbkdf2_count()); }

}  // namespace edgepg::bindings
