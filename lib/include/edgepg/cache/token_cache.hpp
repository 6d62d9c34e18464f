// TokenCache: short-lived credentials (RDS tokens, JWTs, SCRAM keys ...) kept only within their lifetime, with
// refresh-ahead, single flight, error cooldown, tags and a least-recently-used bound. Sans-IO and deterministic:
// every call takes the time (`now`, milliseconds on any monotonic-enough scale the caller chooses, the same scale as
// expires_at); the cache never reads a clock. Thread-safe (one std::mutex).
//
// The loader lives outside the core (a JS promise, a native thread), so loading is a protocol of explicit steps:
//
//   auto r = cache.lookup(key, now);
//   if (r.value) use(*r.value);                    // a usable value (maybe also r.load: refresh it in the background)
//   if (r.load) {                                  // you, and only you, load this key now
//     ... fetch ...  cache.complete_load(key, value, expires_at, tags, now)   or   cache.fail_load(key, status, now);
//   } else if (!r.value && r.loading) { wait for the loader, then lookup again }
//   else if (!r.value) { r.error: the last load failed and the cooldown has not ended }
//
// Native threads get that protocol run for them, blocking on the single loader, from cache::BlockingTokenCache
// (edgepg/client/blocking_token_cache.hpp, in the native library): waiting is I/O-like, so it stays out of the core.
//
// Timing of an entry loaded at `loaded_at` that expires at `expires_at`:
//   usable_until = expires_at - skew                       a value is never returned at or after this
//   refresh_at   = usable_until - min(refresh_window, (usable_until - loaded_at) / 2)
//   in [refresh_at, usable_until) the value is still returned and one caller is told to load (refresh-ahead).
// Defaults: skew 10 s (a token handed out is still valid when the server checks it a round trip later, and small
// clock differences are absorbed), refresh_window 5 min, error_cooldown 1 s, load_timeout 30 s, max_entries 1024.
//
// Errors: complete_load returns ErrorCode::invalid_argument when the value is already unusable (expires_at - skew <=
// now); that counts as a failed load. A failed load's Status is what callers see during the cooldown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "edgepg/status.hpp"

namespace edgepg::cache {

struct TokenCacheOptions {
  std::int64_t skew_ms = 10'000;
  std::int64_t refresh_window_ms = 5 * 60'000;
  std::int64_t error_cooldown_ms = 1'000;
  // A load that has not completed after this long is presumed lost (its promise dropped): the next lookup may
  // start another. A late complete_load from the lost loader is still accepted.
  std::int64_t load_timeout_ms = 30'000;
  std::size_t max_entries = 1024;  // at least 1
};

struct LookupResult {
  std::optional<std::string> value;  // a value usable now (now < usable_until)
  bool load = false;                 // the caller must load this key and then call complete_load or fail_load
  bool loading = false;              // another caller's load of this key is in flight
  Status error;  // no usable value, no load allowed: the last load's failure, until the cooldown ends
};

class TokenCache {
 public:
  explicit TokenCache(TokenCacheOptions options = {});
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // The usable value, if any, and whether this caller is to load (exactly one caller per key and load: a miss with
  // no load in flight and no cooldown, or a hit inside the refresh window). Marks the key recently used.
  LookupResult lookup(std::string_view key, std::int64_t now);

  // The usable value, if any, without claiming a load (for values stored with complete_load as a plain put, such
  // as SCRAM keys known only after a login). Marks the key recently used when it holds a value.
  std::optional<std::string> peek(std::string_view key, std::int64_t now);

  // Claims the load of `key` (e.g. to refresh on demand). false when a load is in flight (and not timed out) or the
  // key is in its error cooldown.
  bool begin_load(std::string_view key, std::int64_t now);

  // Stores a loaded value (replacing the previous one and its tags) and ends the load in flight.
  Status complete_load(std::string_view key, std::string value, std::int64_t expires_at, std::vector<std::string> tags,
                       std::int64_t now);

  // Ends the load in flight with an error: no new load until now + error_cooldown; a still-usable value stays.
  void fail_load(std::string_view key, Status error, std::int64_t now);

  // Drop values (and cooldowns). A load in flight stays marked, so single flight holds across invalidation.
  void invalidate(std::string_view key);
  void invalidate_tag(std::string_view tag);  // every key whose entry carries `tag`, and no other
  void clear();

  [[nodiscard]] std::size_t size() const;  // entries held (with a value, a load in flight or a cooldown)
  [[nodiscard]] const TokenCacheOptions& options() const noexcept { return options_; }

 private:
  struct Entry {
    std::string key;
    std::optional<std::string> value;
    std::int64_t usable_until = 0;
    std::int64_t refresh_at = 0;
    std::vector<std::string> tags;
    bool loading = false;
    std::int64_t load_started = 0;
    std::int64_t cooldown_until = 0;  // meaningful while error is not ok
    Status error;
  };
  using List = std::list<Entry>;

  Entry& touch(std::string_view key);  // find or create, mark most recently used, enforce max_entries
  void evict_over_bound();
  bool may_load(const Entry& e, std::int64_t now) const noexcept;
  void drop_value(List::iterator it);

  TokenCacheOptions options_;
  mutable std::mutex mutex_;
  List lru_;  // front: most recently used
  std::unordered_map<std::string, List::iterator> index_;
};

}  // namespace edgepg::cache
