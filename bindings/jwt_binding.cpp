#include "jwt_binding.hpp"

#include <cmath>
#include <limits>
#include <span>

namespace edgepg::bindings {

int WasmJwtVerifier::fail(const Status& s) {
  error_message_ = s.message();
  return static_cast<int>(s.code());
}

int WasmJwtVerifier::set_jwks(const std::string& json) {
  jwt::JwkSet keys;
  if (auto s = jwt::parse_jwks(json, keys); !s.ok()) return fail(s);
  keys_ = std::move(keys);
  have_keys_ = true;
  return 0;
}

int WasmJwtVerifier::set_secret(const std::string& secret) {
  secret_ = secret;
  have_secret_ = true;
  return 0;
}

void WasmJwtVerifier::set_options(const std::string& algorithms, const std::string& issuers,
                                  const std::string& audiences, const std::string& required, double clock_tolerance,
                                  double max_token_age, double max_token_bytes) {
  options_.algorithms = split_lines(algorithms);
  options_.claims.issuer = split_lines(issuers);
  options_.claims.audience = split_lines(audiences);
  options_.claims.required_claims = split_lines(required);
  options_.claims.clock_tolerance = static_cast<std::int64_t>(clock_tolerance);
  if (max_token_age >= 0) {
    options_.claims.max_token_age = static_cast<std::int64_t>(max_token_age);
  } else {
    options_.claims.max_token_age.reset();
  }
  if (max_token_bytes > 0) options_.max_token_bytes = static_cast<std::size_t>(max_token_bytes);
}

int WasmJwtVerifier::verify(const std::string& token, double now) {
  jwt::Claims claims;
  const auto t = static_cast<std::int64_t>(std::floor(now));
  Status s;
  if (have_secret_) {
    const std::span<const std::uint8_t> secret(reinterpret_cast<const std::uint8_t*>(secret_.data()), secret_.size());
    s = jwt::verify_jwt_hmac(token, secret, options_, t, claims);
  } else if (have_keys_) {
    s = jwt::verify_jwt(token, keys_, options_, t, claims);
  } else {
    return fail(Status(ErrorCode::jwks_no_key, "no verification key: pass jwks, jwksUrl or secret"));
  }
  if (!s.ok()) return fail(s);
  claims_ = std::move(claims);
  return 0;
}

double WasmJwtVerifier::exp() const {
  const auto e = claims_.exp();
  return e ? static_cast<double>(*e) : std::numeric_limits<double>::quiet_NaN();
}

CallResult role_from_claims(const std::string& claims_json, const std::string& path, const std::string& allowed) {
  CallResult r;
  std::string role;
  const auto s = jwt::role_from_claims_json(claims_json, path, split_lines(allowed), role);
  r.code = static_cast<int>(s.code());
  r.name = s.ok() ? "" : s.name();
  r.message = s.message();
  r.value = std::move(role);
  return r;
}

}  // namespace edgepg::bindings
