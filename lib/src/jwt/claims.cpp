#include "edgepg/jwt/claims.hpp"

#include <cmath>
#include <limits>

#include "claims_impl.hpp"

namespace edgepg::jwt {
namespace {

using detail::as_number;
using detail::as_string;
using detail::ClaimsAccess;
using detail::Json;
using detail::member;

constexpr std::size_t kMaxPathBytes = 1024;

const Claims::Impl& empty_impl() {
  static const Claims::Impl kEmpty{"{}", Json::object()};
  return kEmpty;
}

Status claim_error(std::string message) { return {ErrorCode::jwt_claim, std::move(message)}; }

// A NumericDate claim (RFC 7519 §2): absent is fine, a non-number is ERR_JWT_CLAIM.
Status numeric_claim(const Json& obj, const char* name, std::optional<double>& out) {
  const Json* j = member(obj, name);
  if (j == nullptr) return {};
  out = as_number(j);
  if (!out || !std::isfinite(*out)) {
    return claim_error(std::string("the \"") + name + "\" claim is not a number (a NumericDate in seconds); " +
                       "the issuer must send seconds since the epoch");
  }
  return {};
}

std::string list_for_message(const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size() && i < 5; ++i) {
    if (i > 0) out += ", ";
    out += '"' + values[i] + '"';
  }
  if (values.size() > 5) out += ", ...";
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
  for (const auto& v : list) {
    if (v == s) return true;
  }
  return false;
}

// Splits a claim path at its dots; "\\." is a literal dot and "\\\\" a literal backslash inside one key. False for a
// path with an empty key, a dangling backslash or another escape.
bool split_path(std::string_view path, std::vector<std::string>& keys) {
  keys.assign(1, std::string());
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '\\') {
      if (i + 1 == path.size() || (path[i + 1] != '.' && path[i + 1] != '\\')) return false;
      keys.back() += path[++i];
    } else if (c == '.') {
      if (keys.back().empty()) return false;
      keys.emplace_back();
    } else {
      keys.back() += c;
    }
  }
  return !keys.back().empty();
}

// Walks nested objects, one key per level: no literal-key guessing, so a key "a.b" can never stand in for a.b.
const Json* resolve(const Json& obj, const std::vector<std::string>& keys) {
  const Json* at = &obj;
  for (const auto& key : keys) {
    if (!at->is_object()) return nullptr;
    at = member(*at, key);
    if (at == nullptr) return nullptr;
  }
  return at;
}

Status role_from_value(const Json& claims, std::string_view claim_path, const std::vector<std::string>& allowed_roles,
                       std::string& role) {
  if (claim_path.empty() || claim_path.size() > kMaxPathBytes) {
    return {ErrorCode::invalid_argument, "the role claim path must be 1 to 1024 bytes, e.g. \"realm_access.roles\""};
  }
  if (allowed_roles.empty()) {
    return {ErrorCode::invalid_argument,
            "no allowed roles are configured; list the PostgreSQL roles tokens may map to"};
  }
  const std::string path_text(claim_path);
  std::vector<std::string> keys;
  if (!split_path(claim_path, keys)) {
    return {ErrorCode::invalid_argument, "the role claim path \"" + path_text +
                                             "\" has an empty key or a bad escape: "
                                             "keys are separated by '.', and a literal dot inside a key is written \\. "
                                             "(e.g. \"https://example\\.com/roles\")"};
  }
  const Json* value = resolve(claims, keys);
  if (value == nullptr) {
    return claim_error("the token has no claim at the role path \"" + path_text +
                       "\"; check the path against the issuer's tokens");
  }
  const auto allowed = [&](const std::string& r) { return !r.empty() && contains(allowed_roles, r); };
  if (const std::string* s = as_string(value)) {
    if (!allowed(*s)) {
      return {ErrorCode::jwt_role_not_allowed,
              "the role the token names at \"" + path_text +
                  "\" is not in the allowed roles list; add it there if it is intended"};
    }
    role = *s;
    return {};
  }
  if (value->is_array()) {
    for (const Json& item : *value) {
      const std::string* s = as_string(&item);
      if (s != nullptr && allowed(*s)) {
        role = *s;
        return {};
      }
    }
    return {ErrorCode::jwt_role_not_allowed, "none of the roles the token lists at \"" + path_text +
                                                 "\" is in the allowed roles list; add the intended role there"};
  }
  return claim_error("the claim at the role path \"" + path_text +
                     "\" is neither a string nor an array of strings; check the path");
}

}  // namespace

Claims::Claims() : impl_(std::shared_ptr<const Impl>(&empty_impl(), [](const Impl*) {})) {}

const std::string& Claims::json() const noexcept { return impl_->json; }

bool Claims::has(std::string_view name) const { return member(impl_->value, name) != nullptr; }

std::optional<std::string> Claims::string_claim(std::string_view name) const {
  if (const std::string* s = as_string(member(impl_->value, name))) return *s;
  return std::nullopt;
}

std::optional<std::int64_t> Claims::numeric_date(std::string_view name) const {
  const Json* j = member(impl_->value, name);
  if (j == nullptr) return std::nullopt;
  // Unsigned first: nlohmann's get_ptr<number_integer_t*> also answers for unsigned values (one union member).
  if (const auto* u = j->get_ptr<const Json::number_unsigned_t*>()) {
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    return *u > kMax ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(*u);
  }
  if (const auto* i = j->get_ptr<const Json::number_integer_t*>()) return static_cast<std::int64_t>(*i);
  if (const auto* f = j->get_ptr<const Json::number_float_t*>()) {
    if (!std::isfinite(*f)) return std::nullopt;
    const double v = std::floor(*f);
    // 2^63 as a double; anything at or beyond it clamps.
    constexpr double kLimit = 9223372036854775808.0;
    if (v >= kLimit) return std::numeric_limits<std::int64_t>::max();
    if (v < -kLimit) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(v);
  }
  return std::nullopt;
}

Status Claims::parse(std::string_view json, Claims& out, std::size_t max_bytes) {
  if (json.size() > max_bytes) {
    return {ErrorCode::jwt_malformed, "the claims are larger than the " + std::to_string(max_bytes) + "-byte limit"};
  }
  try {
    auto value = detail::parse_json(json);
    if (!value || !value->is_object()) {
      return {ErrorCode::jwt_malformed,
              "the token's payload is not a JSON object (or nests too deeply or repeats a claim name); "
              "the issuer must send JWT claims"};
    }
    auto impl = std::make_shared<Impl>();
    impl->json.assign(json.data(), json.size());
    impl->value = std::move(*value);
    ClaimsAccess::set(out, std::move(impl));
    return {};
  } catch (...) {
    return {ErrorCode::jwt_malformed, "out of memory while reading the claims"};
  }
}

Status check_claims(const Claims& claims, const ClaimsPolicy& policy, std::int64_t now) {
  if (policy.clock_tolerance < 0) {
    return {ErrorCode::invalid_argument, "clock_tolerance must be zero or more seconds"};
  }
  if (policy.max_token_age && *policy.max_token_age < 0) {
    return {ErrorCode::invalid_argument, "max_token_age must be zero or more seconds"};
  }
  const Json& obj = ClaimsAccess::impl(claims).value;
  const double t = static_cast<double>(now);
  const double tol = static_cast<double>(policy.clock_tolerance);

  std::optional<double> exp, nbf, iat;
  if (auto s = numeric_claim(obj, "exp", exp); !s) return s;
  if (auto s = numeric_claim(obj, "nbf", nbf); !s) return s;
  if (auto s = numeric_claim(obj, "iat", iat); !s) return s;

  // RFC 7519 §4.1.4: the current time must be before exp (plus the leeway).
  if (exp && !(t < *exp + tol)) {
    return {ErrorCode::jwt_expired, "the token has expired (exp); get a new token from the issuer"};
  }
  // RFC 7519 §4.1.5: the current time must be at or after nbf (minus the leeway).
  if (nbf && !(t >= *nbf - tol)) {
    return {ErrorCode::jwt_not_yet_valid,
            "the token is not valid yet (nbf is in the future); check the clocks of the issuer and this host"};
  }
  if (iat && *iat > t + tol) {
    return {ErrorCode::jwt_not_yet_valid,
            "the token was issued in the future (iat); check the clocks of the issuer and this host"};
  }
  if (policy.max_token_age) {
    if (!iat) return claim_error("max_token_age is set but the token has no \"iat\" claim");
    if (t - *iat > static_cast<double>(*policy.max_token_age) + tol) {
      return {ErrorCode::jwt_expired, "the token is older than max_token_age (iat); get a new token from the issuer"};
    }
  }
  if (!policy.issuer.empty()) {
    const std::string* iss = as_string(member(obj, "iss"));
    if (iss == nullptr) return claim_error("the token has no \"iss\" claim (a string) and an issuer is required");
    if (!contains(policy.issuer, *iss)) {
      return claim_error("the token's issuer (iss) is not the configured issuer " + list_for_message(policy.issuer));
    }
  }
  if (!policy.audience.empty()) {
    // RFC 7519 §4.1.3: aud is a string or an array of strings; one of them must be ours.
    const Json* aud = member(obj, "aud");
    if (aud == nullptr) return claim_error("the token has no \"aud\" claim and an audience is required");
    bool match = false;
    if (const std::string* one = as_string(aud)) {
      match = contains(policy.audience, *one);
    } else if (aud->is_array()) {
      for (const Json& a : *aud) {
        const std::string* s = as_string(&a);
        if (s == nullptr) return claim_error("the token's \"aud\" array holds a value that is not a string");
        if (contains(policy.audience, *s)) match = true;
      }
    } else {
      return claim_error("the token's \"aud\" claim is neither a string nor an array of strings");
    }
    if (!match) {
      return claim_error("the token's audience (aud) does not include the configured audience " +
                         list_for_message(policy.audience));
    }
  }
  for (const auto& name : policy.required_claims) {
    if (member(obj, name) == nullptr) return claim_error("the token lacks the required claim \"" + name + "\"");
  }
  return {};
}

Status role_from_claims(const Claims& claims, std::string_view claim_path,
                        const std::vector<std::string>& allowed_roles, std::string& role) {
  try {
    return role_from_value(ClaimsAccess::impl(claims).value, claim_path, allowed_roles, role);
  } catch (...) {
    return claim_error("out of memory while reading the role claim");
  }
}

Status role_from_claims_json(std::string_view claims_json, std::string_view claim_path,
                             const std::vector<std::string>& allowed_roles, std::string& role) {
  Claims claims;
  if (auto s = Claims::parse(claims_json, claims, claims_json.size()); !s) return s;
  return role_from_claims(claims, claim_path, allowed_roles, role);
}

}  // namespace edgepg::jwt
