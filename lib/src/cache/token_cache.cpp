#include "edgepg/cache/token_cache.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

namespace edgepg::cache {
namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// Saturating arithmetic: times near the int64 limits must not wrap into "valid forever" or "expired long ago".
std::int64_t sat_sub(std::int64_t a, std::int64_t b) noexcept {
  if (b > 0 && a < kMin + b) return kMin;
  if (b < 0 && a > kMax + b) return kMax;
  return a - b;
}
std::int64_t sat_add(std::int64_t a, std::int64_t b) noexcept {
  if (b > 0 && a > kMax - b) return kMax;
  if (b < 0 && a < kMin - b) return kMin;
  return a + b;
}

}  // namespace

TokenCache::TokenCache(TokenCacheOptions options) : options_(options) {
  options_.max_entries = std::max<std::size_t>(options_.max_entries, 1);
  options_.skew_ms = std::max<std::int64_t>(options_.skew_ms, 0);
  options_.refresh_window_ms = std::max<std::int64_t>(options_.refresh_window_ms, 0);
  options_.error_cooldown_ms = std::max<std::int64_t>(options_.error_cooldown_ms, 0);
  options_.load_timeout_ms = std::max<std::int64_t>(options_.load_timeout_ms, 1);
}

TokenCache::Entry& TokenCache::touch(std::string_view key) {
  std::string k(key);
  if (const auto it = index_.find(k); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return lru_.front();
  }
  lru_.emplace_front();
  lru_.front().key = k;
  index_.emplace(std::move(k), lru_.begin());
  evict_over_bound();
  return lru_.front();
}

void TokenCache::evict_over_bound() {
  // Least recently used first, sparing loads in flight (evicting one would let a second loader start); if every
  // other entry is loading, the bound still wins. The front (the entry just touched) is never evicted.
  while (lru_.size() > options_.max_entries) {
    auto victim = std::prev(lru_.end());
    for (auto it = std::prev(lru_.end()); it != lru_.begin(); --it) {
      if (!it->loading) {
        victim = it;
        break;
      }
    }
    index_.erase(victim->key);
    lru_.erase(victim);
  }
}

void TokenCache::drop_value(List::iterator it) {
  it->value.reset();
  it->tags.clear();
  it->error = Status::success();
  it->cooldown_until = 0;
  if (!it->loading) {
    index_.erase(it->key);
    lru_.erase(it);
  }
}

bool TokenCache::may_load(const Entry& e, std::int64_t now) const noexcept {
  if (e.loading && now < sat_add(e.load_started, options_.load_timeout_ms)) return false;
  if (!e.error.ok() && now < e.cooldown_until) return false;
  return true;
}

LookupResult TokenCache::lookup(std::string_view key, std::int64_t now) {
  const std::lock_guard<std::mutex> lock(mutex_);
  LookupResult r;
  Entry& e = touch(key);
  if (e.value && now >= e.usable_until) {  // expired: never handed out again
    e.value.reset();
    e.tags.clear();
  }
  const bool can_load = may_load(e, now);
  if (e.value) {
    r.value = *e.value;
    if (now >= e.refresh_at && can_load) r.load = true;  // refresh-ahead: one caller, while the value still serves
  } else if (can_load) {
    r.load = true;
  } else if (!e.error.ok() && now < e.cooldown_until) {
    r.error = e.error;
  }
  if (r.load) {
    e.loading = true;
    e.load_started = now;
  } else {
    r.loading = e.loading;
  }
  return r;
}

bool TokenCache::begin_load(std::string_view key, std::int64_t now) {
  const std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = touch(key);
  if (!may_load(e, now)) return false;
  e.loading = true;
  e.load_started = now;
  return true;
}

Status TokenCache::complete_load(std::string_view key, std::string value, std::int64_t expires_at,
                                 std::vector<std::string> tags, std::int64_t now) {
  const std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = touch(key);
  e.loading = false;
  const std::int64_t usable_until = sat_sub(expires_at, options_.skew_ms);
  if (usable_until <= now) {
    Status s(ErrorCode::invalid_argument, "token cache: the loaded value expires before it could be used");
    e.error = s;
    e.cooldown_until = sat_add(now, options_.error_cooldown_ms);
    return s;
  }
  const std::int64_t half_life = sat_sub(usable_until, now) / 2;
  e.value = std::move(value);
  e.usable_until = usable_until;
  e.refresh_at = sat_sub(usable_until, std::min(options_.refresh_window_ms, half_life));
  e.tags = std::move(tags);
  e.error = Status::success();
  e.cooldown_until = 0;
  return Status::success();
}

std::optional<std::string> TokenCache::peek(std::string_view key, std::int64_t now) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = index_.find(std::string(key));
  if (it == index_.end() || !it->second->value || now >= it->second->usable_until) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->value;
}

void TokenCache::fail_load(std::string_view key, Status error, std::int64_t now) {
  const std::lock_guard<std::mutex> lock(mutex_);
  Entry& e = touch(key);
  e.loading = false;
  e.error = error.ok() ? Status(ErrorCode::invalid_state, "token cache: the load failed") : std::move(error);
  e.cooldown_until = sat_add(now, options_.error_cooldown_ms);
}

void TokenCache::invalidate(std::string_view key) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (const auto it = index_.find(std::string(key)); it != index_.end()) drop_value(it->second);
}

void TokenCache::invalidate_tag(std::string_view tag) {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = lru_.begin(); it != lru_.end();) {
    const auto next = std::next(it);
    if (std::find(it->tags.begin(), it->tags.end(), tag) != it->tags.end()) drop_value(it);
    it = next;
  }
}

void TokenCache::clear() {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = lru_.begin(); it != lru_.end();) {
    const auto next = std::next(it);
    drop_value(it);
    it = next;
  }
}

std::size_t TokenCache::size() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return lru_.size();
}

}  // namespace edgepg::cache
