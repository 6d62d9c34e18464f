// JWKS over HTTPS for native services: fetch an issuer's key set (the server's certificate checked against the
// URL's host), and keep it in a BlockingTokenCache so verification needs no network most of the time.
//
//   edgepg::JwksCache jwks("https://issuer.example/.well-known/jwks.json");
//   edgepg::jwt::JwkSet keys = jwks.keys();                    // fetched once per ttl, single flight across threads
//   auto s = edgepg::jwt::verify_jwt(token, keys, options, now, claims);
//   if (s.code() == edgepg::ErrorCode::jwks_no_key) { jwks.invalidate(); /* the issuer rotated: retry once */ }
//
// Errors (edgepg::Error): EINVAL (a URL that is not https://; http:// only to localhost, for tests), EHTTP (a
// status other than 200, a malformed response, a document over 64 KiB), ERR_JWKS_INVALID (not a usable key set),
// and the transports' codes (ENOTFOUND, ECONNREFUSED, ETIMEDOUT, ECERT, ETLS). A failed fetch's code is the same
// for every caller: the one that fetched, those that waited for it, and those arriving during the cooldown.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "edgepg/client/blocking_token_cache.hpp"
#include "edgepg/jwt/jwk.hpp"

namespace edgepg {

struct JwksOptions {
  std::string root_cert_file;  // PEM roots for the issuer's certificate; empty: the system's
  std::chrono::milliseconds timeout{10'000};
  std::chrono::milliseconds ttl{10 * 60'000};  // how long a fetched key set is used (refreshed ahead of the end)
};

// One fetch, no cache.
jwt::JwkSet fetch_jwks(std::string_view url, const JwksOptions& options = {});

class JwksCache {
 public:
  explicit JwksCache(std::string url, JwksOptions options = {});
  // The cached key set, fetched when missing or stale (one fetch at a time; other threads wait for it). After a
  // failed fetch, callers see its error for one second (the TokenCache's cooldown), then the next one retries.
  jwt::JwkSet keys();
  // The key set keys() would return now without fetching or waiting, if it has one (not stale, already parsed).
  std::optional<jwt::JwkSet> cached_keys();
  // Forget the cached set (e.g. after ERR_JWKS_NO_KEY): the next keys() fetches.
  void invalidate();

 private:
  std::string url_;
  JwksOptions options_;
  cache::BlockingTokenCache cache_;
  std::mutex mutex_;
  std::string parsed_json_;  // the document parsed_ was built from
  jwt::JwkSet parsed_;
};

}  // namespace edgepg
