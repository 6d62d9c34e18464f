// A TokenCache for native threads (native library only): get_or_load() runs the core's explicit load protocol
// (lookup, then complete_load or fail_load) and blocks concurrent callers of one key on the single loader. The
// waiting (a mutex, a condition variable, a 100 ms backstop) lives here rather than in cache::TokenCache, which stays
// sans-IO: the wasm build, where JS owns the loaders and the clock, never links it.
//
//   edgepg::cache::BlockingTokenCache tokens;
//   const edgepg::cache::GetResult got = tokens.get_or_load(
//       "db", [&] { return edgepg::cache::Loaded{edgepg::Status::success(), fetch(), now_ms() + 900'000, {"db"}}; },
//       now_ms);
//   if (got.status) use(got.value);  // else got.status is the load's failure (or the cooldown's)
//
// Every other call is TokenCache's (see edgepg/cache/token_cache.hpp for timing, refresh-ahead and cooldowns);
// complete_load and fail_load here also wake the callers waiting in get_or_load. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/cache/token_cache.hpp"
#include "edgepg/status.hpp"

// In namespace cache beside TokenCache (it is that cache's blocking face), though only the native library builds it.
namespace edgepg::cache {

// What a loader hands back to get_or_load.
struct Loaded {
  Status status;  // not ok: the load failed (the status is kept for the cooldown)
  std::string value;
  std::int64_t expires_at = 0;
  std::vector<std::string> tags;
};

struct GetResult {
  Status status;
  std::string value;
};

class BlockingTokenCache {
 public:
  explicit BlockingTokenCache(TokenCacheOptions options = {});
  BlockingTokenCache(const BlockingTokenCache&) = delete;
  BlockingTokenCache& operator=(const BlockingTokenCache&) = delete;

  // lookup, and if this caller is the loader, run `loader` (outside every lock); concurrent callers of the same key
  // wait for that one load. `clock` gives `now` (it may be called with the wait lock held: it must not call this
  // cache). Returns the value, or the load's failure (or the cooldown's); a failed refresh still returns the value
  // that is usable. A loader that throws counts as a failed load (ErrorCode::invalid_state); nothing escapes.
  GetResult get_or_load(std::string_view key, const std::function<Loaded()>& loader,
                        const std::function<std::int64_t()>& clock);

  // TokenCache's explicit steps, for loads driven by hand; complete_load and fail_load wake get_or_load's waiters.
  LookupResult lookup(std::string_view key, std::int64_t now) { return cache_.lookup(key, now); }
  std::optional<std::string> peek(std::string_view key, std::int64_t now) { return cache_.peek(key, now); }
  bool begin_load(std::string_view key, std::int64_t now) { return cache_.begin_load(key, now); }
  Status complete_load(std::string_view key, std::string value, std::int64_t expires_at, std::vector<std::string> tags,
                       std::int64_t now);
  void fail_load(std::string_view key, Status error, std::int64_t now);
  void invalidate(std::string_view key) { cache_.invalidate(key); }
  void invalidate_tag(std::string_view tag) { cache_.invalidate_tag(tag); }
  void clear() { cache_.clear(); }
  [[nodiscard]] std::size_t size() const { return cache_.size(); }
  [[nodiscard]] const TokenCacheOptions& options() const noexcept { return cache_.options(); }

 private:
  void wake();  // after a load ended: every waiter looks again

  TokenCache cache_;
  // Held from a waiter's lookup until it sleeps, and taken by wake() before notifying: a load that ends between a
  // waiter's lookup and its wait cannot be missed. Never held while the loader runs.
  std::mutex wait_mutex_;
  std::condition_variable loaded_;
};

}  // namespace edgepg::cache
