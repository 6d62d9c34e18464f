#include "verified_tokens.hpp"

#include <string>
#include <utility>

#include "crypto/crypto.hpp"

namespace edgepg::gateway {
namespace {

std::string key_of(std::string_view token) {
  const auto digest = crypto::sha256(crypto::bytes_of(token));
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace

VerifiedTokens::Generation::Generation(jwt::JwkSet k, std::size_t max_entries)
    : keys(std::move(k)),
      tokens(cache::TokenCacheOptions{
          .skew_ms = 0, .refresh_window_ms = 0, .error_cooldown_ms = 0, .max_entries = max_entries}) {}

VerifiedTokens::VerifiedTokens(std::size_t max_entries) : max_entries_(max_entries) {}

// The generation of `keys`; a set that is not the current one's replaces it (its entries go with it). During a
// rotation a caller still holding the old set may swap it back once: that costs cached entries, never correctness,
// since an entry is only ever found through the set it was verified with.
std::shared_ptr<VerifiedTokens::Generation> VerifiedTokens::generation_for(const jwt::JwkSet& keys) {
  std::lock_guard lock(mutex_);
  if (!current_ || !current_->keys.same_parse(keys)) current_ = std::make_shared<Generation>(keys, max_entries_);
  return current_;
}

std::optional<jwt::Claims> VerifiedTokens::find(std::string_view token, const jwt::JwkSet& keys, std::int64_t now_ms) {
  const auto generation = generation_for(keys);
  const auto json = generation->tokens.peek(key_of(token), now_ms);
  if (!json) return std::nullopt;
  jwt::Claims claims;
  if (!jwt::Claims::parse(*json, claims)) return std::nullopt;  // stored from a verified token: cannot happen
  return claims;
}

void VerifiedTokens::remember(std::string_view token, const jwt::Claims& claims, const jwt::JwkSet& keys,
                              std::int64_t until_ms, std::int64_t now_ms) {
  // An entry already unusable at now_ms is refused by the cache (invalid_argument): nothing to keep, nothing lost.
  (void)generation_for(keys)->tokens.complete_load(key_of(token), claims.json(), until_ms, {}, now_ms);
}

}  // namespace edgepg::gateway
