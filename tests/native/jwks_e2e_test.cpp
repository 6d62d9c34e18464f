// JWKS over HTTPS (the test CA's certificate on `openssl s_server -WWW`, started by scripts/test-native), then
// verifying an ES256 token signed by the matching key, and mapping its claims to a role.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>

#include "edgepg/client.hpp"
#include "edgepg/jwt/jwt.hpp"
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
}  // namespace

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
  const jwt::JwkSet keys = cache.keys();
  CHECK(cache.keys().usable_count() == 1);  // from the cache

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
        jwt::JwtErrc::signature);
}
