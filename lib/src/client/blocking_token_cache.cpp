#include "edgepg/client/blocking_token_cache.hpp"

#include <chrono>
#include <utility>

namespace edgepg::cache {
namespace {

// How long a waiter sleeps before looking again when no completion wakes it: only a liveness backstop for a load
// claimed by hand (lookup) whose completion never comes, or comes through another path (load_timeout then frees
// the key).
constexpr auto kWaitBackstop = std::chrono::milliseconds(100);

Loaded run(const std::function<Loaded()>& loader) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  try {
    return loader();
  } catch (...) {
    Loaded failed;
    failed.status = Status(ErrorCode::invalid_state, "token cache: the loader threw an exception");
    return failed;
  }
#else
  return loader();
#endif
}

}  // namespace

BlockingTokenCache::BlockingTokenCache(TokenCacheOptions options) : cache_(options) {}

void BlockingTokenCache::wake() {
  { const std::lock_guard<std::mutex> lock(wait_mutex_); }  // a waiter between lookup and wait finishes getting there
  loaded_.notify_all();
}

Status BlockingTokenCache::complete_load(std::string_view key, std::string value, std::int64_t expires_at,
                                         std::vector<std::string> tags, std::int64_t now) {
  const Status s = cache_.complete_load(key, std::move(value), expires_at, std::move(tags), now);
  wake();
  return s;
}

void BlockingTokenCache::fail_load(std::string_view key, Status error, std::int64_t now) {
  cache_.fail_load(key, std::move(error), now);
  wake();
}

GetResult BlockingTokenCache::get_or_load(std::string_view key, const std::function<Loaded()>& loader,
                                          const std::function<std::int64_t()>& clock) {
  std::unique_lock<std::mutex> lock(wait_mutex_);
  for (;;) {
    const LookupResult r = cache_.lookup(key, clock());
    if (r.load) {
      lock.unlock();
      Loaded loaded = run(loader);
      const std::int64_t now = clock();
      GetResult out;
      if (loaded.status.ok()) {
        out.status = cache_.complete_load(key, loaded.value, loaded.expires_at, std::move(loaded.tags), now);
        if (out.status.ok()) out.value = std::move(loaded.value);
      } else {
        out.status = loaded.status;
        cache_.fail_load(key, std::move(loaded.status), now);
      }
      wake();
      if (!out.status.ok() && r.value) return {Status::success(), *r.value};  // a failed refresh keeps the value
      return out;
    }
    if (r.value) return {Status::success(), *r.value};
    if (!r.loading) return {r.error, {}};
    loaded_.wait_for(lock, kWaitBackstop);
  }
}

}  // namespace edgepg::cache
