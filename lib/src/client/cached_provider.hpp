// The cache every native keyless provider (aws_credentials.hpp, access_token.hpp) keeps around its source (internal):
// one value in a BlockingTokenCache, fetched when missing or inside CloudOptions::refresh_window_ms of its expiry (one
// fetch at a time across threads; after a failure, callers see it for one second, then the next one retries), on the
// provider's clock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "edgepg/client/blocking_token_cache.hpp"
#include "edgepg/client/cloud_options.hpp"

namespace edgepg::client_detail {

class CachedProvider {
 public:
  // What one uncached fetch gives: the value (a string: a token, or credentials packed into one) and when it expires.
  struct Fetched {
    std::string value;
    std::int64_t expires_at_ms = 0;  // milliseconds since the epoch
  };
  // Called with the provider's `now` (milliseconds since the epoch). Throws edgepg::Error.
  using Fetch = std::function<Fetched(std::int64_t now_ms)>;

  CachedProvider(std::string name, CloudOptions options);
  CachedProvider(const CachedProvider&) = delete;
  CachedProvider& operator=(const CachedProvider&) = delete;

  // The cached value, or `fetch`'s when there is none usable (or it is due for refresh). Throws edgepg::Error: the
  // fetch's failure (or, within the cooldown, the last one's).
  [[nodiscard]] std::string get(const Fetch& fetch);
  // Forget the value: the next get fetches.
  void invalidate();
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const CloudOptions& options() const noexcept { return options_; }
  // Milliseconds since the epoch, by CloudOptions::clock (else the system clock).
  [[nodiscard]] std::int64_t now_ms() const;

 private:
  std::string name_;
  CloudOptions options_;
  cache::BlockingTokenCache cache_;
};

}  // namespace edgepg::client_detail
