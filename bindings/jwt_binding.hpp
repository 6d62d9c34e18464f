// JWT verification as JS drives it: keys and options are set once, then verify() runs per token.
#pragma once

#include <cstdint>
#include <string>

#include "edgepg/jwt/jwt.hpp"
#include "lists.hpp"

namespace edgepg::bindings {

class WasmJwtVerifier {
 public:
  // Returns 0 or an edgepg::ErrorCode value (its name: errorNames(); its message: last_error_message()).
  int set_jwks(const std::string& json);
  int set_secret(const std::string& secret);  // raw bytes (a Uint8Array or a string from JS)
  void set_options(const std::string& algorithms, const std::string& issuers, const std::string& audiences,
                   const std::string& required, double clock_tolerance, double max_token_age, double max_token_bytes);
  // now: seconds since the epoch. On success claims() holds the payload JSON.
  int verify(const std::string& token, double now);
  std::string claims() const { return claims_.json(); }
  double exp() const;  // NaN when absent
  std::string last_error_message() const { return error_message_; }

 private:
  int fail(const Status& s);

  jwt::JwkSet keys_;
  std::string secret_;
  bool have_keys_ = false;
  bool have_secret_ = false;
  jwt::VerifyOptions options_;
  jwt::Claims claims_;
  std::string error_message_;
};

CallResult role_from_claims(const std::string& claims_json, const std::string& path, const std::string& allowed);

}  // namespace edgepg::bindings
