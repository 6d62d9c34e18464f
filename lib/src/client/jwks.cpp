#include "edgepg/client/jwks.hpp"

#include "edgepg/error.hpp"
#include "net/http_get.hpp"

namespace edgepg {
namespace {

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

jwt::JwkSet parse_or_throw(const std::string& json) {
  jwt::JwkSet set;
  if (auto s = jwt::parse_jwks(json, set); !s) throw Error(s);
  return set;
}

}  // namespace

jwt::JwkSet fetch_jwks(std::string_view url, const JwksOptions& options) {
  net::HttpGetOptions http;
  http.root_cert_file = options.root_cert_file;
  http.timeout = options.timeout;
  return parse_or_throw(net::http_get(url, http));
}

JwksCache::JwksCache(std::string url, JwksOptions options)
    : url_(std::move(url)), options_(std::move(options)), cache_(cache::TokenCacheOptions{.skew_ms = 0}) {}

jwt::JwkSet JwksCache::keys() {
  // A failed fetch keeps its code in the Status the cache holds: the loader's caller, the callers waiting for it and
  // those arriving during the error cooldown all see the transport's code (ECONNREFUSED, ETIMEDOUT, ECERT, ...).
  const cache::GetResult got = cache_.get_or_load(
      url_,
      [&] {
        cache::Loaded loaded;
        try {
          net::HttpGetOptions http;
          http.root_cert_file = options_.root_cert_file;
          http.timeout = options_.timeout;
          loaded.value = net::http_get(url_, http);
          (void)parse_or_throw(loaded.value);  // an unusable document is a failed load, not a cached one
          loaded.expires_at = steady_ms() + options_.ttl.count();
        } catch (const Error& e) {
          loaded.status = Status(e.error_code(), e.message());
        }
        return loaded;
      },
      steady_ms);
  if (!got.status) throw Error(got.status);
  std::lock_guard lock(mutex_);
  if (got.value != parsed_json_) {
    parsed_ = parse_or_throw(got.value);
    parsed_json_ = got.value;
  }
  return parsed_;
}

std::optional<jwt::JwkSet> JwksCache::cached_keys() {
  const auto value = cache_.peek(url_, steady_ms());
  std::lock_guard lock(mutex_);
  if (!value || *value != parsed_json_) return std::nullopt;
  return parsed_;
}

void JwksCache::invalidate() { cache_.invalidate(url_); }

}  // namespace edgepg
