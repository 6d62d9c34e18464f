#include "edgepg/auth/scram_client.hpp"

#include <charconv>

#include "../crypto/crypto.hpp"
#include "../util/base64.hpp"

namespace edgepg::auth {
namespace {

// Finds the value of attribute `name` ("r", "s", "i", "v", "e") in a comma-separated SCRAM message.
bool attribute(std::string_view msg, char name, std::string_view& value) {
  std::size_t pos = 0;
  while (pos <= msg.size()) {
    const auto comma = msg.find(',', pos);
    const auto part = msg.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (part.size() >= 2 && part[0] == name && part[1] == '=') {
      value = part.substr(2);
      return true;
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

Status refuse(const std::string& why) { return Status(ErrorCode::auth, "SCRAM authentication failed: " + why); }

}  // namespace

ScramClient::ScramClient(std::string password, std::string client_nonce, std::string username,
                         std::uint32_t max_iterations)
    : password_(saslprep_password(password)), client_nonce_(std::move(client_nonce)), max_iterations_(max_iterations) {
  crypto::cleanse(password.data(), password.size());
  for (char c : username) {  // RFC 5802 §5.1 saslname escaping
    if (c == ',')
      username_ += "=2C";
    else if (c == '=')
      username_ += "=3D";
    else
      username_ += c;
  }
}

ScramClient::~ScramClient() {
  crypto::cleanse(password_.data(), password_.size());
  crypto::cleanse(&keys_, sizeof keys_);
  crypto::cleanse(&cached_, sizeof cached_);
}

std::string ScramClient::client_first() const { return "n,,n=" + username_ + ",r=" + client_nonce_; }

void ScramClient::use_cached_keys(const ScramKeys& keys, std::string_view salt_b64, std::uint32_t iterations) {
  cached_ = keys;
  cached_salt_b64_.assign(salt_b64);
  cached_iterations_ = iterations;
  have_cached_ = true;
}

Status ScramClient::handle_server_first(std::string_view server_first, std::string& client_final) {
  if (step_ != Step::first) return Status(ErrorCode::invalid_state, "SCRAM server-first message arrived out of order");
  std::string_view nonce, salt, iter_text, err;
  if (attribute(server_first, 'e', err)) return refuse("server error " + std::string(err.substr(0, 64)));
  if (!attribute(server_first, 'r', nonce) || !attribute(server_first, 's', salt) ||
      !attribute(server_first, 'i', iter_text)) {
    return refuse("malformed server-first message");
  }
  // RFC 5802 §5.1: the server's nonce must start with ours and add to it.
  if (nonce.size() <= client_nonce_.size() || nonce.substr(0, client_nonce_.size()) != client_nonce_) {
    return refuse("server nonce does not extend the client nonce");
  }
  for (char c : nonce) {
    if (c < 0x21 || c > 0x7e || c == ',') return refuse("server nonce has invalid characters");
  }
  std::uint32_t iterations = 0;
  auto [ptr, ec] = std::from_chars(iter_text.data(), iter_text.data() + iter_text.size(), iterations);
  if (ec != std::errc() || ptr != iter_text.data() + iter_text.size() || iterations < 1) {
    return refuse("invalid iteration count");
  }
  if (iterations > max_iterations_) {
    return refuse("server asks for " + std::to_string(iterations) + " PBKDF2 iterations, more than the limit of " +
                  std::to_string(max_iterations_) + " (scram_max_iterations)");
  }
  auto salt_bytes = util::base64_decode(salt);
  if (!salt_bytes || salt_bytes->empty()) return refuse("invalid salt");

  if (have_cached_ && cached_iterations_ == iterations && cached_salt_b64_ == salt) {
    keys_ = cached_;
    used_cache_ = true;
  } else {
    crypto::Digest256 salted{};
    if (!crypto::pbkdf2_sha256(password_, *salt_bytes, iterations, salted)) return refuse("key derivation failed");
    keys_.client_key = crypto::hmac_sha256(salted, crypto::bytes_of("Client Key"));
    keys_.server_key = crypto::hmac_sha256(salted, crypto::bytes_of("Server Key"));
    crypto::cleanse(salted.data(), salted.size());
  }
  salt_b64_.assign(salt);
  iterations_ = iterations;

  const std::string without_proof = "c=biws,r=" + std::string(nonce);  // biws = base64("n,,")
  auth_message_ = "n=" + username_ + ",r=" + client_nonce_ + "," + std::string(server_first) + "," + without_proof;
  const auto stored_key = crypto::sha256(keys_.client_key);
  auto signature = crypto::hmac_sha256(stored_key, crypto::bytes_of(auth_message_));
  for (std::size_t i = 0; i < signature.size(); ++i) signature[i] ^= keys_.client_key[i];
  client_final = without_proof + ",p=" + util::base64_encode(signature);
  crypto::cleanse(signature.data(), signature.size());
  step_ = Step::final;
  return {};
}

Status ScramClient::verify_server_final(std::string_view server_final) {
  if (step_ != Step::final) return Status(ErrorCode::invalid_state, "SCRAM server-final message arrived out of order");
  std::string_view verifier, err;
  if (attribute(server_final, 'e', err)) return refuse("server error " + std::string(err.substr(0, 64)));
  if (!attribute(server_final, 'v', verifier)) return refuse("malformed server-final message");
  const auto got = util::base64_decode(verifier);
  const auto expected = crypto::hmac_sha256(keys_.server_key, crypto::bytes_of(auth_message_));
  if (!got || !crypto::equal_constant_time(*got, expected)) {
    return refuse("the server's signature does not match: it could not prove it knows the password");
  }
  step_ = Step::done;
  return {};
}

std::string md5_password_response(std::string_view user, std::string_view password, std::array<std::uint8_t, 4> salt) {
  std::string inner_input;
  inner_input.reserve(password.size() + user.size());
  inner_input.append(password).append(user);
  std::string outer_input = crypto::md5_hex(crypto::bytes_of(inner_input));
  crypto::cleanse(inner_input.data(), inner_input.size());
  outer_input.append(reinterpret_cast<const char*>(salt.data()), salt.size());
  return "md5" + crypto::md5_hex(crypto::bytes_of(outer_input));
}

}  // namespace edgepg::auth
