// Tokens the gateway has verified, so that a client logging in again with the same token (an edge function opens a
// connection per request) costs a hash and a lookup instead of a signature check. Keyed by the token's SHA-256,
// never by the token. An entry holds the verified claims until the token's exp plus the clock tolerance (a minute
// for a token without exp) and belongs to the key set it was verified with: a JWKS that changed starts an empty
// generation. The caller checks a hit's claims again (exp, nbf, iss, aud) with the policy of a fresh verification,
// so the cache never accepts what verification would refuse. At most max_entries (least recently used goes). A
// SIGHUP builds a new IdentityVerifier, and with it an empty cache. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "edgepg/cache/token_cache.hpp"
#include "edgepg/jwt/claims.hpp"
#include "edgepg/jwt/jwk.hpp"

namespace edgepg::gateway {

class VerifiedTokens {
 public:
  explicit VerifiedTokens(std::size_t max_entries);

  // The claims of `token` as verified earlier with `keys` (a copy of the same parse), if still held at now_ms.
  std::optional<jwt::Claims> find(std::string_view token, const jwt::JwkSet& keys, std::int64_t now_ms);

  // Keeps what a verification with `keys` returned, until until_ms (milliseconds since the Unix epoch).
  void remember(std::string_view token, const jwt::Claims& claims, const jwt::JwkSet& keys, std::int64_t until_ms,
                std::int64_t now_ms);

 private:
  struct Generation {
    Generation(jwt::JwkSet k, std::size_t max_entries);
    jwt::JwkSet keys;
    cache::TokenCache tokens;
  };
  std::shared_ptr<Generation> generation_for(const jwt::JwkSet& keys);

  std::size_t max_entries_;
  std::mutex mutex_;
  std::shared_ptr<Generation> current_;
};

}  // namespace edgepg::gateway
