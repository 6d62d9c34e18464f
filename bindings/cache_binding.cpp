#include "cache_binding.hpp"

#include "lists.hpp"

namespace edgepg::bindings {
namespace {
cache::TokenCacheOptions make_options(double skew, double window, double cooldown, double load_timeout, double max) {
  cache::TokenCacheOptions o;
  if (skew >= 0) o.skew_ms = static_cast<std::int64_t>(skew);
  if (window >= 0) o.refresh_window_ms = static_cast<std::int64_t>(window);
  if (cooldown >= 0) o.error_cooldown_ms = static_cast<std::int64_t>(cooldown);
  if (load_timeout > 0) o.load_timeout_ms = static_cast<std::int64_t>(load_timeout);
  if (max >= 1) o.max_entries = static_cast<std::size_t>(max);
  return o;
}
}  // namespace

WasmTokenCache::WasmTokenCache(double skew_ms, double refresh_window_ms, double error_cooldown_ms,
                               double load_timeout_ms, double max_entries)
    : cache_(make_options(skew_ms, refresh_window_ms, error_cooldown_ms, load_timeout_ms, max_entries)) {}

LookupOut WasmTokenCache::lookup(const std::string& key, double now) {
  const auto r = cache_.lookup(key, static_cast<std::int64_t>(now));
  LookupOut out;
  out.has_value = r.value.has_value();
  if (r.value) out.value = *r.value;
  out.load = r.load;
  out.loading = r.loading;
  if (!r.error.ok()) out.error = r.error.message();
  return out;
}

LookupOut WasmTokenCache::peek(const std::string& key, double now) {
  LookupOut out;
  if (auto v = cache_.peek(key, static_cast<std::int64_t>(now))) {
    out.has_value = true;
    out.value = std::move(*v);
  }
  return out;
}

int WasmTokenCache::complete_load(const std::string& key, const std::string& value, double expires_at,
                                  const std::string& tags, double now) {
  return static_cast<int>(cache_
                              .complete_load(key, value, static_cast<std::int64_t>(expires_at), split_lines(tags),
                                             static_cast<std::int64_t>(now))
                              .code());
}

void WasmTokenCache::fail_load(const std::string& key, const std::string& message, double now) {
  cache_.fail_load(key, Status(ErrorCode::invalid_state, message), static_cast<std::int64_t>(now));
}

}  // namespace edgepg::bindings
