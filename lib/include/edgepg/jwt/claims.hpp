// Verified JWT claims (RFC 7519 §4), the checks applied to them, and the mapping of a claim to a PostgreSQL role.
//
// Time is an input: `now` is seconds since the Unix epoch, from the caller's clock. The core never reads a clock.
// NumericDate claims may be integers or fractions; comparisons use the exact value.
//
// check_claims, in this order:
//   exp  present: valid while now < exp + clock_tolerance            else ERR_JWT_EXPIRED
//   nbf  present: valid once now >= nbf - clock_tolerance            else ERR_JWT_NOT_YET_VALID
//   iat  present: must not be after now + clock_tolerance            else ERR_JWT_NOT_YET_VALID
//   max_token_age set: iat required (ERR_JWT_CLAIM), now - iat <= max_token_age + clock_tolerance, else ERR_JWT_EXPIRED
//   exp/nbf/iat of a non-number type                                  ERR_JWT_CLAIM
//   issuer set: iss must be a string equal to one of them            else ERR_JWT_CLAIM
//   audience set: aud (a string or an array of strings) must contain one of them, else ERR_JWT_CLAIM
//   required_claims: each must be present (null counts as present)   else ERR_JWT_CLAIM
// A negative clock_tolerance or max_token_age is EINVAL. exp is not required unless listed in required_claims.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/status.hpp"

namespace edgepg::jwt {

struct ClaimsPolicy {
  std::int64_t clock_tolerance = 30;          // seconds of leeway for exp, nbf and iat
  std::vector<std::string> issuer;            // accepted iss values; empty: iss not checked
  std::vector<std::string> audience;          // accepted aud values; empty: aud not checked
  std::optional<std::int64_t> max_token_age;  // seconds since iat; unset: age not checked
  std::vector<std::string> required_claims;   // claim names that must be present
};

namespace detail {
struct ClaimsAccess;
}

// The payload of a verified token: a JSON object. Immutable and cheap to copy.
class Claims {
 public:
  Claims();

  // The payload's JSON text exactly as signed (valid UTF-8, an object), for JSON.parse on the JS side.
  [[nodiscard]] const std::string& json() const noexcept;
  [[nodiscard]] bool has(std::string_view name) const;
  // A top-level claim when it is a string; nullopt when absent or of another type.
  [[nodiscard]] std::optional<std::string> string_claim(std::string_view name) const;
  // A top-level NumericDate claim, rounded down (and clamped to the int64 range); nullopt when absent or not a number.
  [[nodiscard]] std::optional<std::int64_t> numeric_date(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> sub() const { return string_claim("sub"); }
  [[nodiscard]] std::optional<std::string> iss() const { return string_claim("iss"); }
  [[nodiscard]] std::optional<std::int64_t> exp() const { return numeric_date("exp"); }
  [[nodiscard]] std::optional<std::int64_t> nbf() const { return numeric_date("nbf"); }
  [[nodiscard]] std::optional<std::int64_t> iat() const { return numeric_date("iat"); }

  // Parses a claims JSON object (at most max_bytes, 32 levels deep, no repeated member names). This checks the
  // form only: it is for claims of a token already verified, or for tests. ERR_JWT_MALFORMED when not such an object.
  static Status parse(std::string_view json, Claims& out, std::size_t max_bytes = 16 * 1024);

  struct Impl;  // defined in lib/src/jwt (holds the parsed JSON); opaque to users

 private:
  friend struct detail::ClaimsAccess;
  std::shared_ptr<const Impl> impl_;
};

Status check_claims(const Claims& claims, const ClaimsPolicy& policy, std::int64_t now);

// The PostgreSQL role a token's claims name, checked against an allowlist. Never builds SQL: the caller passes the
// role to SET ROLE as a quoted identifier or as a parameter, and only ever a role from allowed_roles.
//
// claim_path: a claim name, or a dotted path into nested objects ("realm_access.roles"), one key per level and
// nothing else: a literal key "a.b" never stands in for the nested a.b. A dot inside a key is written "\\." and a
// backslash "\\\\" (Auth0's namespaced claims: "https://example\\.com/roles"). The value at the path:
//   a string: it is the role if it is in allowed_roles, else ERR_JWT_ROLE_NOT_ALLOWED;
//   an array: the first element that is a string in allowed_roles, else ERR_JWT_ROLE_NOT_ALLOWED;
//   absent: ERR_JWT_CLAIM; any other type: ERR_JWT_CLAIM.
// An empty claim_path (or over 1024 bytes, or with an empty key or a bad escape) or an empty allowed_roles is EINVAL.
// Matching is exact and case-sensitive; an empty string is never a role. Messages name the path, never the token's
// values.
Status role_from_claims(const Claims& claims, std::string_view claim_path,
                        const std::vector<std::string>& allowed_roles, std::string& role);
// The same, from the JSON text of verified claims (Claims::json()).
Status role_from_claims_json(std::string_view claims_json, std::string_view claim_path,
                             const std::vector<std::string>& allowed_roles, std::string& role);

}  // namespace edgepg::jwt
