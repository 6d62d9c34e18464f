// Google (federation + impersonation) and Entra ID against the stand-ins (keyless_support.hpp), field by field; then
// every source's failures: each documented refusal a clear ECREDENTIALS naming the service's code, malformed,
// oversized and redirecting answers, a silent service ETIMEDOUT, an unreadable token file, nothing listening. No
// error shows the workload's token or anything the services issued.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "edgepg/client.hpp"
#include "keyless_support.hpp"

using namespace edgepg;
using namespace edgepg::e2e::keyless;

TEST_CASE("keyless: Google federation with impersonation, and Entra ID, as documented") {
  if (!has_cloud()) return;
  GcpAccessTokenOptions g;
  g.audience = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p/providers/q";
  g.token.function = [] { return oidc_a; };
  g.service_account = "db@proj.iam.gserviceaccount.com";
  g.sts_endpoint = cloud_url + "/google/v1/token";
  g.iam_endpoint = cloud_url + "/iam";
  const AccessTokenProvider google = gcp_access_token(g, fast());
  const std::string token = google.password()();
  const auto sts = requests_of("gcpSts");
  REQUIRE(sts.size() == 1);
  CHECK(sts[0]["form"]["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange");
  CHECK(sts[0]["form"]["subject_token"] == oidc_a);
  CHECK(sts[0]["form"]["subject_token_type"] == "urn:ietf:params:oauth:token-type:jwt");
  CHECK(sts[0]["form"]["scope"] == "https://www.googleapis.com/auth/cloud-platform");
  const auto iam = requests_of("gcpIam");
  REQUIRE(iam.size() == 1);
  CHECK(iam[0]["path"] == "/iam/v1/projects/-/serviceAccounts/db@proj.iam.gserviceaccount.com:generateAccessToken");
  const json issued = control("/issued");
  CHECK(iam[0]["headers"]["authorization"] == "Bearer " + issued[0]["token"].get<std::string>());
  CHECK(token == issued[1]["token"].get<std::string>());
  CHECK(google.token() == token);  // cached
  CHECK(requests_of("gcpSts").size() == 1);

  reset();
  const std::string file = temp_file("-azure", oidc_b);
  AzureAccessTokenOptions a;
  a.tenant_id = "contoso.onmicrosoft.com";
  a.client_id = "0fd1ad3c-1111-2222-3333-444455556666";
  a.token.file = file;
  a.authority_host = cloud_url + "/entra";
  const std::string entra = azure_access_token(a, fast()).token();
  const auto e = requests_of("entra");
  REQUIRE(e.size() == 1);
  CHECK(e[0]["path"] == "/entra/contoso.onmicrosoft.com/oauth2/v2.0/token");
  CHECK(e[0]["form"]["client_id"] == a.client_id);
  CHECK(e[0]["form"]["client_assertion"] == oidc_b);
  CHECK(e[0]["form"]["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  CHECK(e[0]["form"]["grant_type"] == "client_credentials");
  CHECK(e[0]["form"]["scope"] == "https://ossrdbms-aad.database.windows.net/.default");
  CHECK(entra == control("/issued")[0]["token"].get<std::string>());
  std::filesystem::remove(file);
}

TEST_CASE("keyless: each documented refusal is a clear ECREDENTIALS, a silent service ETIMEDOUT, no secret shown") {
  if (!has_cloud()) return;
  AwsWebIdentityOptions o;
  o.role_arn = role_arn;
  o.region = "eu-west-1";
  o.token.function = [] { return oidc_a; };
  o.endpoint = cloud_url + "/sts/";
  const auto sts_fails = [&](const json& behaviour, const std::string& words) {
    (void)control("/behaviour", {{"sts", behaviour}});
    std::string message;
    const std::string code = failure([&] {
      try {
        (void)aws_web_identity(o, fast()).credentials();
      } catch (const Error& e) {
        message = e.message();
        throw;
      }
    });
    CHECK_MESSAGE(message.find(words) != std::string::npos, message);
    return code;
  };
  CHECK(sts_fails({{"status", 400}, {"code", "InvalidIdentityToken"}, {"message", "bad token " + oidc_a}},
                  "InvalidIdentityToken") == "ECREDENTIALS");
  CHECK(sts_fails({{"status", 400}, {"code", "ExpiredTokenException"}}, "ExpiredTokenException") == "ECREDENTIALS");
  CHECK(sts_fails({{"status", 403}, {"code", "AccessDenied"}}, "AccessDenied") == "ECREDENTIALS");
  CHECK(sts_fails({{"status", 503}, {"code", "IDPCommunicationError"}}, "unavailable") == "ECREDENTIALS");
  CHECK(sts_fails("malformed", "answer") == "ECREDENTIALS");
  CHECK(sts_fails("huge", "larger than 64 KiB") == "ECREDENTIALS");
  CHECK(sts_fails("redirect", "HTTP 302") == "ECREDENTIALS");  // not followed: the token goes nowhere else
  for (const json& r : control("/requests")) CHECK(r["path"] == "/sts/");
  reset();
  // The stand-in echoes an unknown token in its message: never in ours.
  (void)control("/settings", {{"validTokens", json::array({oidc_b})}});
  CHECK(failure([&] { (void)aws_web_identity(o, fast()).credentials(); }) == "ECREDENTIALS");

  reset();
  (void)control("/behaviour", {{"sts", "slow"}});
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(failure([&] { (void)aws_web_identity(o, fast(std::chrono::milliseconds(300))).credentials(); }) == "ETIMEDOUT");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));

  reset();
  (void)control("/behaviour", {{"imds", "slow"}});
  CHECK(failure([&] {
          (void)aws_imds_credentials(cloud_url + "/imds", fast(std::chrono::milliseconds(300))).credentials();
        }) == "ETIMEDOUT");

  reset();
  GcpAccessTokenOptions g;
  g.audience = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p/providers/q";
  g.token.function = [] { return oidc_a; };
  g.sts_endpoint = cloud_url + "/google/v1/token";
  (void)control("/settings", {{"validTokens", json::array({oidc_b})}});  // invalid_grant, quoting the token
  CHECK(failure([&] { (void)gcp_access_token(g, fast()).token(); }) == "ECREDENTIALS");
  AzureAccessTokenOptions a;
  a.tenant_id = "contoso.onmicrosoft.com";
  a.client_id = "0fd1ad3c-1111-2222-3333-444455556666";
  a.token.function = [] { return oidc_a; };
  a.authority_host = cloud_url + "/entra";
  CHECK(failure([&] { (void)azure_access_token(a, fast()).token(); }) == "ECREDENTIALS");  // AADSTS70021
  a.token.function = {};
  a.token.file = "/nonexistent/edgepg-token";
  CHECK(failure([&] { (void)azure_access_token(a, fast()).token(); }) == "ECREDENTIALS");
  // Nothing listens: the transport's code, with the service named.
  a.authority_host = "http://127.0.0.1:1";
  a.token.function = [] { return oidc_a; };
  CHECK(failure([&] { (void)azure_access_token(a, fast()).token(); }) == "ECONNREFUSED");
}
