#include "cached_provider.hpp"

#include <utility>

#include "cloud_exchange.hpp"
#include "edgepg/error.hpp"

namespace edgepg::client_detail {
namespace {

constexpr std::string_view kKey = "value";  // one value per provider

}  // namespace

CachedProvider::CachedProvider(std::string name, CloudOptions options)
    : name_(std::move(name)),
      options_(std::move(options)),
      cache_(cache::TokenCacheOptions{.refresh_window_ms = options_.refresh_window_ms}) {}

std::string CachedProvider::get(const Fetch& fetch) {
  const cache::GetResult got = cache_.get_or_load(
      kKey,
      [&] {
        cache::Loaded loaded;
        try {
          Fetched f = fetch(now_ms());
          loaded.value = std::move(f.value);
          loaded.expires_at = f.expires_at_ms;
        } catch (const Error& e) {
          loaded.status = Status(e.error_code(), e.message());
        }
        return loaded;
      },
      [this] { return now_ms(); });
  if (!got.status) throw Error(got.status);
  return got.value;
}

void CachedProvider::invalidate() { cache_.invalidate(kKey); }

std::int64_t CachedProvider::now_ms() const { return client_detail::now_ms(options_); }

}  // namespace edgepg::client_detail
