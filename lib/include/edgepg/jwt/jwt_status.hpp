// Error codes of the JWT module and the status that carries them. Like edgepg::Status, these never throw; each
// message says what is wrong and what to do, and never contains the token, a signature, a claim value or a key.
#pragma once

#include <string>
#include <utility>

namespace edgepg::jwt {

// One documented range of codes. The name (jwt_errc_name) is what the JS layer puts in EdgepgError.code.
enum class JwtErrc {
  ok = 0,
  malformed,         // [ERR_JWT_MALFORMED] not a JWS compact token: size, characters, structure, header or JSON
  alg,               // [ERR_JWT_ALG] alg is none, unknown, outside the allowlist, or not the key's algorithm
  signature,         // [ERR_JWT_SIGNATURE] the signature does not verify with the selected key or secret
  expired,           // [ERR_JWT_EXPIRED] exp passed, or the token is older than max_token_age
  not_yet_valid,     // [ERR_JWT_NOT_YET_VALID] nbf is in the future, or iat is in the future
  claim,             // [ERR_JWT_CLAIM] iss/aud mismatch, missing required claim, wrong claim type, role claim missing
  jwks_no_key,       // [ERR_JWKS_NO_KEY] no usable key in the key set for this token (refetch the JWKS)
  jwks_invalid,      // [ERR_JWKS_INVALID] the key set (or single key) cannot be used at all
  role_not_allowed,  // [ERR_JWT_ROLE_NOT_ALLOWED] the role the claims name is not in the allowed roles list
  invalid_argument,  // [EINVAL] the caller's options are unusable (empty allowlist, unknown alg name, empty secret)
};

constexpr const char* jwt_errc_name(JwtErrc c) noexcept {
  switch (c) {
    case JwtErrc::ok:
      return "ok";
    case JwtErrc::malformed:
      return "ERR_JWT_MALFORMED";
    case JwtErrc::alg:
      return "ERR_JWT_ALG";
    case JwtErrc::signature:
      return "ERR_JWT_SIGNATURE";
    case JwtErrc::expired:
      return "ERR_JWT_EXPIRED";
    case JwtErrc::not_yet_valid:
      return "ERR_JWT_NOT_YET_VALID";
    case JwtErrc::claim:
      return "ERR_JWT_CLAIM";
    case JwtErrc::jwks_no_key:
      return "ERR_JWKS_NO_KEY";
    case JwtErrc::jwks_invalid:
      return "ERR_JWKS_INVALID";
    case JwtErrc::role_not_allowed:
      return "ERR_JWT_ROLE_NOT_ALLOWED";
    case JwtErrc::invalid_argument:
      return "EINVAL";
  }
  return "unknown";
}

class [[nodiscard]] JwtStatus {
 public:
  JwtStatus() = default;
  JwtStatus(JwtErrc code, std::string message) : code_(code), message_(std::move(message)) {}
  static JwtStatus success() { return {}; }

  [[nodiscard]] bool ok() const noexcept { return code_ == JwtErrc::ok; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] JwtErrc code() const noexcept { return code_; }
  [[nodiscard]] const char* name() const noexcept { return jwt_errc_name(code_); }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  JwtErrc code_ = JwtErrc::ok;
  std::string message_;
};

}  // namespace edgepg::jwt
