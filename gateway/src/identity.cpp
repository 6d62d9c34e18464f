#include "identity.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>

#include "edgepg/client/error.hpp"
#include "edgepg/client/jwks.hpp"
#include "edgepg/jwt/claims.hpp"
#include "edgepg/jwt/jwk.hpp"
#include "edgepg/jwt/jwt.hpp"
#include "verified_tokens.hpp"

namespace edgepg::gateway {
namespace {

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(std::string("configuration: cannot read ") + what + " " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Until when a verified token may be found in the cache: its exp plus the clock tolerance (verification's own
// limit; a hit checks the claims again anyway), or a minute for a token without exp.
std::int64_t cached_until(const jwt::Claims& claims, std::int64_t tolerance_s, std::int64_t now_ms) {
  constexpr std::int64_t kWithoutExpMs = 60'000;
  const auto exp = claims.exp();
  if (!exp) return now_ms + kWithoutExpMs;
  constexpr std::int64_t kLatest = std::numeric_limits<std::int64_t>::max() / 1000 - 3600;
  return (std::min(*exp, kLatest) + tolerance_s) * 1000;
}

}  // namespace

// How often an unknown kid may make the gateway refetch the issuer's keys: anyone can make up a kid.
constexpr auto kRefetchCooldown = std::chrono::seconds(30);

struct IdentityVerifier::Impl {
  IdentityConfig config;
  jwt::VerifyOptions options;
  jwt::JwkSet keys;                          // jwks_file
  std::vector<std::uint8_t> secret;          // secret_file
  std::unique_ptr<JwksCache> remote;         // jwks_url
  std::unique_ptr<VerifiedTokens> verified;  // null with token_cache_entries 0
  JwksOptions fetch;                         // of jwks_url
  mutable std::mutex refetch_mutex;
  mutable std::chrono::steady_clock::time_point last_refetch{};

  // The verdict once the claims are checked (s): the role the token maps to (the startup user may pick one of the
  // roles the token grants, else the token's first allowed role) and the identity, or why not.
  bool identify(const Status& s, const jwt::Claims& claims, bool from_cache, std::string_view requested_role,
                Identity& out, Refusal& refusal) const {
    if (!s) {
      refusal = {s.name(), s.message()};
      return false;
    }
    std::string role;
    bool picked = false;
    for (const auto& allowed : config.allowed_roles) {
      if (allowed == requested_role && jwt::role_from_claims(claims, config.role_claim, {allowed}, role)) {
        picked = true;
        break;
      }
    }
    if (!picked) {
      if (auto r = jwt::role_from_claims(claims, config.role_claim, config.allowed_roles, role); !r) {
        refusal = {r.name(), r.message()};
        return false;
      }
    }
    out.sub = claims.sub().value_or("");
    out.iss = claims.iss().value_or("");
    out.role = role;
    out.claims_json = claims.json();
    out.anonymous = false;
    out.from_cache = from_cache;
    return true;
  }

  // A token verified earlier under `key_set` (a copy of the same parse): its claims checked again as a fresh
  // verification would check them (exp, nbf, iss, aud), then mapped; nullopt when the cache does not hold it.
  std::optional<bool> decide_cached(std::string_view token, const jwt::JwkSet& key_set, std::int64_t now_ms,
                                    std::string_view requested_role, Identity& out, Refusal& refusal) const {
    if (!verified) return std::nullopt;
    const auto claims = verified->find(token, key_set, now_ms);
    if (!claims) return std::nullopt;
    return identify(jwt::check_claims(*claims, options.claims, now_ms / 1000), *claims, true, requested_role, out,
                    refusal);
  }

  // Whether this caller may refetch now (at most once per cooldown).
  bool claim_refetch() const {
    std::lock_guard lock(refetch_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (last_refetch != std::chrono::steady_clock::time_point{} && now - last_refetch < kRefetchCooldown) return false;
    last_refetch = now;
    return true;
  }
};

std::chrono::milliseconds jwks_timeout(const Config& config) {
  return std::min(std::chrono::milliseconds(config.limits.auth_timeout_ms / 2), std::chrono::milliseconds(10'000));
}

IdentityVerifier::IdentityVerifier(const IdentityConfig& config, std::chrono::milliseconds jwks_timeout)
    : impl_(std::make_unique<Impl>()) {
  auto& i = *impl_;
  i.config = config;
  i.options.algorithms = config.algorithms;
  i.options.claims.clock_tolerance = config.clock_tolerance_s;
  if (config.token_cache_entries > 0) i.verified = std::make_unique<VerifiedTokens>(config.token_cache_entries);
  if (!config.issuer.empty()) i.options.claims.issuer = {config.issuer};
  if (!config.audience.empty()) i.options.claims.audience = {config.audience};
  if (!config.jwks_file.empty()) {
    if (auto s = jwt::parse_jwks(read_file(config.jwks_file, "identity.jwks_file"), i.keys); !s) {
      throw ConfigError("configuration: identity.jwks_file: " + s.message());
    }
  } else if (!config.secret_file.empty()) {
    std::string text = read_file(config.secret_file, "identity.secret_file");
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    i.secret.assign(text.begin(), text.end());
  } else {
    i.fetch.timeout = jwks_timeout;
    i.remote = std::make_unique<JwksCache>(config.jwks_url, i.fetch);
  }
}

IdentityVerifier::~IdentityVerifier() = default;

bool IdentityVerifier::may_block() const noexcept { return impl_->remote != nullptr; }

bool IdentityVerifier::warm(std::string& why) const {
  if (!impl_->remote) return true;
  try {
    (void)impl_->remote->keys();
    return true;
  } catch (const Error& e) {
    why = e.code() + ": " + e.what();
    return false;
  }
}

bool IdentityVerifier::verify(std::string_view token, std::string_view requested_role, Identity& out,
                              Refusal& refusal) const {
  const auto& i = *impl_;
  if (token.empty()) {
    if (i.config.anonymous_role.empty()) {
      refusal = {"ERR_JWT_MISSING", "a token is required: send it as the password (or as Authorization: Bearer)"};
      return false;
    }
    out = Identity{};
    out.role = i.config.anonymous_role;
    out.claims_json = "{}";
    out.anonymous = true;
    return true;
  }
  const std::int64_t now_ms = now_millis();
  const std::int64_t now = now_ms / 1000;
  jwt::JwkSet fetched;  // jwks_url: the cached key set (fetched when stale)
  if (i.remote) {
    try {
      fetched = i.remote->keys();
    } catch (const Error& e) {
      refusal = {"ERR_JWKS_FETCH",
                 std::string("the identity provider's keys could not be fetched (") + e.code() + "); try again later"};
      return false;
    }
  }
  const jwt::JwkSet& keys = i.remote ? fetched : i.keys;  // with secret_file: the empty set, one generation
  if (const auto decided = i.decide_cached(token, keys, now_ms, requested_role, out, refusal)) return *decided;
  jwt::Claims claims;
  Status s;
  bool refetched = false;
  if (!i.secret.empty()) {
    s = jwt::verify_jwt_hmac(token, i.secret, i.options, now, claims);
  } else {
    s = jwt::verify_jwt(token, keys, i.options, now, claims);
  }
  if (i.remote && s.code() == ErrorCode::jwks_no_key && i.claim_refetch()) {
    // The issuer may have rotated its keys: fetch them once more. Only a fetch that succeeds replaces the cached
    // keys; a failed one (the issuer is down) keeps those that still verify every other token.
    try {
      const jwt::JwkSet fresh = fetch_jwks(i.config.jwks_url, i.fetch);
      i.remote->invalidate();  // the next keys() loads the new set
      s = jwt::verify_jwt(token, fresh, i.options, now, claims);
      refetched = true;  // verified with a set no generation holds yet: not cached
    } catch (const Error&) {
    }
  }
  if (s && i.verified && !refetched) {
    i.verified->remember(token, claims, keys, cached_until(claims, i.config.clock_tolerance_s, now_ms), now_ms);
  }
  return i.identify(s, claims, false, requested_role, out, refusal);
}

std::optional<bool> IdentityVerifier::verify_if_cached(std::string_view token, std::string_view requested_role,
                                                       Identity& out, Refusal& refusal) const {
  const auto& i = *impl_;
  if (token.empty() || !i.verified) return std::nullopt;
  std::optional<jwt::JwkSet> keys;
  if (i.remote) {
    keys = i.remote->cached_keys();
    if (!keys) return std::nullopt;  // stale or not yet fetched: verify() fetches, off the caller's thread
  }
  return i.decide_cached(token, keys ? *keys : i.keys, now_millis(), requested_role, out, refusal);
}

}  // namespace edgepg::gateway
