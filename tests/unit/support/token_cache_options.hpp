// TokenCacheOptions in one call, shared by the TokenCache and BlockingTokenCache tests.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgepg/cache/token_cache.hpp"

namespace edgepg::test {

inline cache::TokenCacheOptions opts(std::int64_t skew, std::int64_t window = 5 * 60'000, std::int64_t cooldown = 1'000,
                                     std::size_t max_entries = 1024) {
  cache::TokenCacheOptions o;
  o.skew_ms = skew;
  o.refresh_window_ms = window;
  o.error_cooldown_ms = cooldown;
  o.max_entries = max_entries;
  return o;
}

}  // namespace edgepg::test
