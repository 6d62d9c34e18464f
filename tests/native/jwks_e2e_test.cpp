// JWKS over HTTPS (the test CA's certificate on `openssl s_server -WWW`, started by scripts/test-native), then
// verifying an ES256 token signed by the matching key, and mapping its claims to a role.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "edgepg/client.hpp"
#include "edgepg/jwt/jwt.hpp"
#include "loopback_port.hpp"
#include "services.hpp"

using namespace edgepg;

namespace {
std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}
std::string code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "none";
}

// The JWKS address on a loopback port that refuses or never answers.
std::string jwks_url(const e2e::LoopbackPort& p) { return "http://127.0.0.1:" + std::to_string(p.port) + "/jwks.json"; }

// The code and message of what keys() threw.
struct Thrown {
  std::string code = "none";
  ErrorCode error_code = ErrorCode::ok;
  std::string message;
};
Thrown keys_error(JwksCache& cache) {
  Thrown t;
  try {
    (void)cache.keys();
  } catch (const Error& e) {
    t = {e.code(), e.error_code(), e.message()};
  }
  return t;
}
}  // namespace

TEST_CASE("JwksCache: a failed fetch's transport code reaches every caller, in the cooldown too") {
  // Refused: the caller that fetched, then one inside the error cooldown (1 s) that gets the cached failure.
  {
    const e2e::LoopbackPort closed(false);
    JwksOptions options;
    options.timeout = std::chrono::milliseconds(5'000);
    JwksCache cache(jwks_url(closed), options);
    const Thrown first = keys_error(cache);
    CHECK(first.code == "ECONNREFUSED");
    CHECK(first.error_code == ErrorCode::connection_refused);
    const Thrown cooled = keys_error(cache);
    CHECK(cooled.code == "ECONNREFUSED");
    CHECK(cooled.error_code == ErrorCode::connection_refused);
    CHECK(cooled.message == first.message);
  }
  // Timed out: callers that waited for the one fetch in flight get its code as well.
  {
    const e2e::LoopbackPort silent(true);
    JwksOptions options;
    options.timeout = std::chrono::milliseconds(300);
    JwksCache cache(jwks_url(silent), options);
    constexpr int kThreads = 4;
    std::vector<Thrown> got(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
      threads.emplace_back([&, i] { got[static_cast<std::size_t>(i)] = keys_error(cache); });
    for (auto& t : threads) t.join();
    for (const Thrown& t : got) {
      CHECK(t.code == "ETIMEDOUT");
      CHECK(t.error_code == ErrorCode::timed_out);
    }
    CHECK(keys_error(cache).code == "ETIMEDOUT");  // and in the cooldown
  }
}

TEST_CASE("JWKS over HTTPS: fetched with the certificate checked, cached, then a token verified and mapped") {
  const std::string url = env("EDGEPG_TEST_JWKS_URL");
  const std::string token = env("EDGEPG_TEST_JWKS_TOKEN");
  if (url.empty()) return;
  const std::string ca = e2e::services().tls_dir + "/ca.crt";
  const std::string wrong_ca = e2e::services().tls_dir + "/wrong-ca.crt";

  const jwt::JwkSet once = fetch_jwks(url, {.root_cert_file = ca});
  CHECK(once.usable_count() == 1);
  CHECK(code_of([&] { (void)fetch_jwks(url, {.root_cert_file = wrong_ca}); }) == "ECERT");
  // s_server -WWW answers a missing file with "200 ok" and an error text: not a key set.
  CHECK(code_of([&] { (void)fetch_jwks(url.substr(0, url.rfind('/')) + "/missing.json", {.root_cert_file = ca}); }) ==
        "ERR_JWKS_INVALID");
  CHECK(code_of([&] { (void)fetch_jwks("http://example.com/jwks.json"); }) == "EINVAL");

  JwksCache cache(url, {.root_cert_file = ca});
  CHECK_FALSE(cache.cached_keys().has_value());  // nothing fetched yet, and cached_keys() never fetches
  const jwt::JwkSet keys = cache.keys();
  CHECK(cache.keys().usable_count() == 1);  // from the cache
  const auto cached = cache.cached_keys();  // what the gateway's io threads use for a token verified earlier
  REQUIRE(cached.has_value());
  CHECK(cached->same_parse(keys));

  jwt::VerifyOptions options;
  options.algorithms = {"ES256"};
  options.claims.issuer = {"https://issuer.test"};
  options.claims.audience = {"edgepg"};
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  jwt::Claims claims;
  REQUIRE(jwt::verify_jwt(token, keys, options, now, claims).ok());
  std::string role;
  REQUIRE(jwt::role_from_claims(claims, "realm_access.roles", {"app_reader", "app_admin"}, role).ok());
  CHECK(role == "app_reader");
  CHECK(jwt::verify_jwt(token.substr(0, token.size() - 2) + "AA", keys, options, now, claims).code() ==
        ErrorCode::jwt_signature);
  cache.invalidate();
  CHECK_FALSE(cache.cached_keys().has_value());  // forgotten: the next keys() fetches
}
