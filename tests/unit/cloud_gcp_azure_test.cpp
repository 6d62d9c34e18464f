// Google Cloud (STS token exchange, service-account impersonation) and Microsoft Entra ID (federated client
// assertion): requests field by field, the documented answers and errors, malformed answers, no token in messages.
#include <doctest/doctest.h>

#include <string>

#include "edgepg/cloud/azure.hpp"
#include "edgepg/cloud/gcp.hpp"

using namespace edgepg;
using namespace edgepg::cloud;

namespace {

const std::string oidc = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YXBwOmFwcCJ9.c2lnbmF0dXJl";
const std::string audience =
    "//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/pool/providers/gke";
constexpr std::int64_t now = 1412258483;  // 2014-10-02T14:01:23Z

std::string header(const Request& r, const std::string& name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "<none>";
}

}  // namespace

TEST_CASE("Google STS request: RFC 8693 token exchange, field by field") {
  Request r;
  REQUIRE(gcp_sts_request({audience, oidc, {}, ""}, r).ok());
  CHECK(r.method == "POST");
  CHECK(r.url == "https://sts.googleapis.com/v1/token");
  CHECK(header(r, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(r.body ==
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
        "&audience=%2F%2Fiam.googleapis.com%2Fprojects%2F123456789%2Flocations%2Fglobal%2FworkloadIdentityPools%2Fpool"
        "%2Fproviders%2Fgke"
        "&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fsqlservice.login"
        "&requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token"
        "&subject_token=" +
            oidc + "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt");
  REQUIRE(gcp_sts_request({audience, oidc, {"a", "b"}, "http://127.0.0.1:9/v1/token"}, r).ok());
  CHECK(r.url == "http://127.0.0.1:9/v1/token");
  CHECK(r.body.find("&scope=a%20b&") != std::string::npos);

  CHECK(gcp_sts_request({"projects/1/pool", oidc, {}, ""}, r).message().find("audience") != std::string::npos);
  CHECK(gcp_sts_request({audience, "", {}, ""}, r).code() == ErrorCode::invalid_argument);
  CHECK(gcp_sts_request({audience, oidc, {"has space"}, ""}, r).code() == ErrorCode::invalid_argument);
  CHECK(gcp_sts_request({audience, oidc, {}, "http://sts.example.com/"}, r).code() == ErrorCode::invalid_argument);
}

TEST_CASE("Google STS answer: the token and its expiry; each documented error with what to check") {
  AccessToken t;
  ProviderError e;
  REQUIRE(parse_gcp_sts(
              {200, R"({"access_token":"ya29.d.federated","issued_token_type":)"
                    R"("urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":3599})"},
              now, t, e)
              .ok());
  CHECK(t.token == "ya29.d.federated");
  CHECK(t.expires_at == now + 3599);

  struct Case {
    const char* code;
    const char* advice;
  };
  for (const Case& c : {Case{"invalid_grant", "attribute mapping"}, Case{"invalid_target", "workloadIdentityPools"},
                        Case{"unauthorized_client", "attribute condition"}, Case{"invalid_request", "audience"},
                        Case{"invalid_scope", "scopes"}}) {
    CAPTURE(c.code);
    const std::string body = std::string(R"({"error":")") + c.code +
                             R"(","error_description":"The audience in ID Token [)" + oidc + R"(] does not match."})";
    const Status s = parse_gcp_sts({400, body}, now, t, e);
    CHECK(s.code() == ErrorCode::credentials_refused);
    CHECK(e.code == c.code);
    CHECK(s.message().find(c.advice) != std::string::npos);
    CHECK(s.message().find("does not match") != std::string::npos);
    CHECK(s.message().find("eyJ") == std::string::npos);
  }
  CHECK(parse_gcp_sts({503, "<html>"}, now, t, e).code() == ErrorCode::credentials_unavailable);
  for (const char* body :
       {"", "null", R"({"access_token":"x"})", R"({"expires_in":3599})", R"({"access_token":"x","expires_in":"3599"})",
        R"({"access_token":"x","expires_in":0})", R"({"access_token":"a b","expires_in":10})"}) {
    CAPTURE(body);
    CHECK(parse_gcp_sts({200, body}, now, t, e).code() == ErrorCode::credentials_malformed);
  }
  CHECK(parse_gcp_sts({200, std::string(70'000, ' ')}, now, t, e).code() == ErrorCode::credentials_malformed);
}

TEST_CASE("Google impersonation: generateAccessToken with the STS token as bearer, and its answer") {
  Request r;
  GcpImpersonationParams p{"db-user@my-project.iam.gserviceaccount.com", {}, 3600, ""};
  REQUIRE(gcp_impersonation_request(p, "ya29.d.federated", r).ok());
  CHECK(r.method == "POST");
  CHECK(r.url ==
        "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/"
        "db-user@my-project.iam.gserviceaccount.com:generateAccessToken");
  CHECK(header(r, "Authorization") == "Bearer ya29.d.federated");
  CHECK(header(r, "Content-Type") == "application/json");
  CHECK(r.body == R"({"scope":["https://www.googleapis.com/auth/sqlservice.login"],"lifetime":"3600s"})");
  p.scopes = {"s1", "s2"};
  p.lifetime_seconds = 600;
  p.endpoint = "http://127.0.0.1:7/";
  REQUIRE(gcp_impersonation_request(p, "tok", r).ok());
  CHECK(r.url.starts_with("http://127.0.0.1:7/v1/projects/-/serviceAccounts/"));
  CHECK(r.body == R"({"scope":["s1","s2"],"lifetime":"600s"})");
  CHECK(gcp_impersonation_request({"no-at-sign", {}, 3600, ""}, "tok", r).code() == ErrorCode::invalid_argument);
  CHECK(gcp_impersonation_request({"a@b/../x", {}, 3600, ""}, "tok", r).code() == ErrorCode::invalid_argument);
  CHECK(gcp_impersonation_request({"a@b", {}, 0, ""}, "tok", r).code() == ErrorCode::invalid_argument);

  AccessToken t;
  ProviderError e;
  REQUIRE(parse_gcp_impersonation({200, R"({"accessToken":"ya29.c.sa","expireTime":"2014-10-02T15:01:23.045123456Z"})"},
                                  now, t, e)
              .ok());
  CHECK(t.token == "ya29.c.sa");
  CHECK(t.expires_at == 1412262083);
  const Status denied = parse_gcp_impersonation(
      {403, R"({"error":{"code":403,"message":"Permission 'iam.serviceAccounts.getAccessToken' denied on resource )"
            R"((or it may not exist).","status":"PERMISSION_DENIED"}})"},
      now, t, e);
  CHECK(denied.code() == ErrorCode::credentials_refused);
  CHECK(e.code == "PERMISSION_DENIED");
  CHECK(denied.message().find("workloadIdentityUser") != std::string::npos);
  CHECK(denied.message().find("getAccessToken' denied") != std::string::npos);
  CHECK(parse_gcp_impersonation({200, R"({"accessToken":"x"})"}, now, t, e).code() == ErrorCode::credentials_malformed);
  CHECK(
      parse_gcp_impersonation({200, R"({"accessToken":"x","expireTime":"2014-10-02T14:00:00Z"})"}, now, t, e).code() ==
      ErrorCode::credentials_malformed);
}

TEST_CASE("Azure Entra request: client credentials with the OIDC token as client assertion, field by field") {
  Request r;
  REQUIRE(azure_token_request(
              {"72f988bf-86f1-41af-91ab-2d7cd011db47", "0fd1ad3c-aaaa-bbbb-cccc-123456789012", oidc, "", ""}, r)
              .ok());
  CHECK(r.method == "POST");
  CHECK(r.url == "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token");
  CHECK(header(r, "Content-Type") == "application/x-www-form-urlencoded");
  CHECK(r.body ==
        "client_id=0fd1ad3c-aaaa-bbbb-cccc-123456789012"
        "&scope=https%3A%2F%2Fossrdbms-aad.database.windows.net%2F.default"
        "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
        "&client_assertion=" +
            oidc + "&grant_type=client_credentials");
  REQUIRE(
      azure_token_request({"contoso.onmicrosoft.com", "c", oidc, "api://x/.default", "http://127.0.0.1:5/"}, r).ok());
  CHECK(r.url == "http://127.0.0.1:5/contoso.onmicrosoft.com/oauth2/v2.0/token");
  CHECK(r.body.find("scope=api%3A%2F%2Fx%2F.default") != std::string::npos);
  CHECK(azure_token_request({"../evil", "c", oidc, "", ""}, r).message().find("tenantId") != std::string::npos);
  CHECK(azure_token_request({"t", "", oidc, "", ""}, r).message().find("clientId") != std::string::npos);
  CHECK(azure_token_request({"t", "c", "", "", ""}, r).code() == ErrorCode::invalid_argument);
  CHECK(azure_token_request({"t", "c", oidc, "", "http://login.example.com"}, r).code() == ErrorCode::invalid_argument);
}

TEST_CASE("Azure Entra answer: the token; AADSTS errors with what to check, no token, no trace ids") {
  AccessToken t;
  ProviderError e;
  REQUIRE(
      parse_azure_token(
          {200, R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0eXAi.e30.sig"})"},
          now, t, e)
          .ok());
  CHECK(t.token == "eyJ0eXAi.e30.sig");
  CHECK(t.expires_at == now + 3599);
  REQUIRE(parse_azure_token({200, R"({"expires_in":"3599","access_token":"x"})"}, now, t, e).ok());
  CHECK(t.expires_at == now + 3599);

  struct Case {
    const char* error;
    int number;
    const char* advice;
  };
  for (const Case& c :
       {Case{"invalid_client", 70021, "federated credential"}, Case{"invalid_client", 700211, "issuer"},
        Case{"invalid_client", 700212, "api://AzureADTokenExchange"}, Case{"invalid_client", 700213, "subject"},
        Case{"invalid_client", 700024, "fresh token"}, Case{"unauthorized_client", 700016, "clientId and tenantId"},
        Case{"invalid_request", 90002, "tenantId"}, Case{"invalid_scope", 70011, "ossrdbms"}}) {
    const std::string code = "AADSTS" + std::to_string(c.number);
    CAPTURE(code);
    const std::string body = std::string(R"({"error":")") + c.error + R"(","error_description":")" + code +
                             R"(: Something about the assertion )" + oidc +
                             R"(.\r\nTrace ID: 0000aaaa\r\nCorrelation ID: 1111bbbb","error_codes":[)" +
                             std::to_string(c.number) + R"(],"trace_id":"0000aaaa"})";
    const Status s = parse_azure_token({400, body}, now, t, e);
    CHECK(s.code() == ErrorCode::credentials_refused);
    CHECK(e.code == code);
    CHECK(s.message().find(c.advice) != std::string::npos);
    CHECK(s.message().find("Something about the assertion") != std::string::npos);
    CHECK(s.message().find("eyJ") == std::string::npos);
    CHECK(s.message().find("Trace ID") == std::string::npos);
  }
  // The code from the description when error_codes is absent; the OAuth error when neither names one.
  CHECK(parse_azure_token({401, R"({"error":"invalid_client","error_description":"AADSTS7000215: x"})"}, now, t, e)
            .code() == ErrorCode::credentials_refused);
  CHECK(e.code == "AADSTS7000215");
  CHECK(parse_azure_token({400, R"({"error":"invalid_request"})"}, now, t, e).code() == ErrorCode::credentials_refused);
  CHECK(e.code == "invalid_request");
  CHECK(parse_azure_token({429, ""}, now, t, e).code() == ErrorCode::credentials_unavailable);
  for (const char* body : {"", "{}", R"({"access_token":"x"})", R"({"access_token":"x","expires_in":"soon"})",
                           R"({"access_token":"","expires_in":10})"}) {
    CAPTURE(body);
    CHECK(parse_azure_token({200, body}, now, t, e).code() == ErrorCode::credentials_malformed);
  }
}
