// The core's TokenCache as JS drives it: JS owns the loaders (promises) and the clock; the core owns expiry,
// refresh-ahead, single flight, cooldown, LRU and tags.
#pragma once

#include <string>

#include "edgepg/cache/token_cache.hpp"

namespace edgepg::bindings {

struct LookupOut {
  bool has_value = false;
  std::string value;
  bool load = false;
  bool loading = false;
  std::string error;  // the last load's failure during its cooldown
};

class WasmTokenCache {
 public:
  WasmTokenCache(double skew_ms, double refresh_window_ms, double error_cooldown_ms, double load_timeout_ms,
                 double max_entries);
  LookupOut lookup(const std::string& key, double now);
  LookupOut peek(const std::string& key, double now);
  int complete_load(const std::string& key, const std::string& value, double expires_at, const std::string& tags,
                    double now);
  void fail_load(const std::string& key, const std::string& message, double now);
  void invalidate(const std::string& key) { cache_.invalidate(key); }
  void invalidate_tag(const std::string& tag) { cache_.invalidate_tag(tag); }
  void clear() { cache_.clear(); }
  double size() const { return static_cast<double>(cache_.size()); }

 private:
  cache::TokenCache cache_;
};

}  // namespace edgepg::bindings
