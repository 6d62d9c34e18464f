// AWS without a stored key: STS AssumeRoleWithWebIdentity, the container credentials endpoint and IMDSv2 (requests
// field by field, the documented answers and errors, malformed and oversized answers, no token in any message).
#include <doctest/doctest.h>

#include <string>

#include "edgepg/cloud/aws.hpp"

using namespace edgepg;
using namespace edgepg::cloud;

namespace {

const std::string oidc =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ3b3JrbG9hZCIsImF1ZCI6InN0cy5hbWF6b25hd3MuY29tIn0.c2lnbmF0dXJl";
constexpr std::int64_t now = 1414188000;  // 2014-10-24T22:00:00Z

// The example answer of the API reference (AssumeRoleWithWebIdentity, "Examples").
const std::string success =
    R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
    <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2014-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <SourceIdentity>SourceIdentityValue</SourceIdentity>
    <Provider>www.amazon.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)";

std::string error_xml(const std::string& code, const std::string& message) {
  return R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>)" + code +
         "</Code><Message>" + message + "</Message></Error><RequestId>4e3c</RequestId></ErrorResponse>";
}

WebIdentityParams params() {
  WebIdentityParams p;
  p.role_arn = "arn:aws:iam::123456789012:role/FederatedWebIdentityRole";
  p.session_name = "app1";
  p.token = oidc;
  p.region = "eu-west-1";
  p.duration_seconds = 3600;
  return p;
}

std::string header(const Request& r, const std::string& name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "<none>";
}

}  // namespace

TEST_CASE("AWS STS request: an unsigned form POST to the regional endpoint, field by field") {
  Request r;
  REQUIRE(aws_web_identity_request(params(), r).ok());
  CHECK(r.method == "POST");
  CHECK(r.url == "https://sts.eu-west-1.amazonaws.com/");
  CHECK(header(r, "Content-Type") == "application/x-www-form-urlencoded; charset=utf-8");
  CHECK(header(r, "Authorization") == "<none>");  // AssumeRoleWithWebIdentity is not signed
  CHECK(r.body ==
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
        "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FFederatedWebIdentityRole&RoleSessionName=app1"
        "&WebIdentityToken=" +
            oidc + "&DurationSeconds=3600");

  auto p = params();
  p.duration_seconds = 0;  // the role's default: the parameter is left out
  p.region = "cn-north-1";
  REQUIRE(aws_web_identity_request(p, r).ok());
  CHECK(r.url == "https://sts.cn-north-1.amazonaws.com.cn/");
  CHECK(r.body.find("DurationSeconds") == std::string::npos);
  p.endpoint = "http://127.0.0.1:4566/";
  REQUIRE(aws_web_identity_request(p, r).ok());
  CHECK(r.url == "http://127.0.0.1:4566/");
}

TEST_CASE("AWS STS request: unusable parameters are EINVAL naming the parameter, never echoing the token") {
  struct Case {
    void (*mutate)(WebIdentityParams&);
    const char* words;
  };
  const Case cases[] = {
      {[](WebIdentityParams& p) { p.role_arn = "FederatedWebIdentityRole"; }, "roleArn"},
      {[](WebIdentityParams& p) { p.session_name = "a"; }, "sessionName"},
      {[](WebIdentityParams& p) { p.session_name = "has space"; }, "sessionName"},
      {[](WebIdentityParams& p) { p.token = ""; }, "web identity token"},
      {[](WebIdentityParams& p) { p.token = oidc + "\n"; }, "web identity token"},
      {[](WebIdentityParams& p) { p.token = std::string(20'001, 'a'); }, "web identity token"},
      {[](WebIdentityParams& p) { p.duration_seconds = 899; }, "durationSeconds"},
      {[](WebIdentityParams& p) { p.duration_seconds = 43'201; }, "durationSeconds"},
      {[](WebIdentityParams& p) { p.region = "eu west"; }, "region"},
      {[](WebIdentityParams& p) { p.region = ""; }, "region"},
      {[](WebIdentityParams& p) { p.endpoint = "http://sts.example.com/"; }, "https://"},
  };
  for (const Case& c : cases) {
    auto p = params();
    c.mutate(p);
    Request r;
    const Status s = aws_web_identity_request(p, r);
    CAPTURE(c.words);
    CHECK(s.code() == ErrorCode::invalid_argument);
    CHECK(s.message().find(c.words) != std::string::npos);
    CHECK(s.message().find("eyJ") == std::string::npos);
    CHECK(r.body.empty());
  }
}

TEST_CASE("AWS STS answer: the documented example gives the credentials and their expiry") {
  AwsCredentials c;
  ProviderError e;
  REQUIRE(parse_aws_web_identity({200, success}, now, c, e).ok());
  CHECK(c.credentials.access_key_id == "ASgeIAIOSFODNN7EXAMPLE");
  CHECK(c.credentials.secret_access_key == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  CHECK(c.credentials.session_token == "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE");
  CHECK(c.expiration == 1414191623);
  CHECK(e.code.empty());
}

TEST_CASE("AWS STS answer: each documented error is ECREDENTIALS with its code and what to check") {
  struct Case {
    int status;
    const char* code;
    ErrorCode expected;
    const char* advice;
  };
  const Case cases[] = {
      {400, "InvalidIdentityToken", ErrorCode::credentials_refused, "OIDC identity provider"},
      {400, "ExpiredTokenException", ErrorCode::credentials_refused, "fresh one"},
      {403, "IDPRejectedClaim", ErrorCode::credentials_refused, "claim"},
      {400, "IDPCommunicationError", ErrorCode::credentials_unavailable, "discovery"},
      {403, "AccessDenied", ErrorCode::credentials_refused, "trust policy"},
      {403, "RegionDisabledException", ErrorCode::credentials_refused, "activate"},
      {400, "MalformedPolicyDocument", ErrorCode::credentials_refused, "policy"},
      {400, "PackedPolicyTooLarge", ErrorCode::credentials_refused, "too large"},
      {400, "ValidationError", ErrorCode::credentials_refused, "duration"},
      {400, "Throttling", ErrorCode::credentials_unavailable, "Retry later"},
      {500, "InternalFailure", ErrorCode::credentials_unavailable, "Retry later"},
      {400, "SomethingNew", ErrorCode::credentials_refused, "trust policy"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.code);
    AwsCredentials creds;
    ProviderError e;
    const Status s =
        parse_aws_web_identity({c.status, error_xml(c.code, "Request failed for token " + oidc)}, now, creds, e);
    CHECK(s.code() == c.expected);
    CHECK(std::string(s.name()) == "ECREDENTIALS");
    CHECK(e.code == c.code);
    CHECK(e.http_status == c.status);
    CHECK(s.message().find(c.code) != std::string::npos);
    CHECK(s.message().find(c.advice) != std::string::npos);
    CHECK(s.message().find("eyJ") == std::string::npos);  // the service echoing the token does not leak it
    CHECK(creds.credentials.secret_access_key.empty());
  }
  // An error without an XML body: the HTTP status is the detail.
  AwsCredentials creds;
  ProviderError e;
  CHECK(parse_aws_web_identity({403, "Forbidden"}, now, creds, e).code() == ErrorCode::credentials_refused);
  CHECK(e.code == "HTTP 403");
  CHECK(parse_aws_web_identity({502, ""}, now, creds, e).code() == ErrorCode::credentials_unavailable);
}

TEST_CASE("AWS STS answer: malformed, oversized and expired answers are ECREDENTIALS without the secret") {
  auto without = [](std::string doc, const std::string& element) {
    const auto a = doc.find("<" + element + ">");
    const auto b = doc.find("</" + element + ">") + element.size() + 3;
    return doc.erase(a, b - a);
  };
  const std::string bad[] = {
      "",
      "not xml",
      "{\"AccessKeyId\":\"x\"}",
      without(success, "SessionToken"),
      without(success, "SecretAccessKey"),
      without(success, "AccessKeyId"),
      without(success, "Expiration"),
      [] {
        std::string s = success;
        return s.replace(s.find("2014-10-24T23:00:23Z"), 20, "tomorrow");
      }(),
      [] {
        std::string s = success;
        return s.replace(s.find("<Credentials>"), 13, "<Credentials><!-- x -->");
      }(),
      success + std::string(64 * 1024, ' '),
  };
  for (const std::string& body : bad) {
    AwsCredentials c;
    ProviderError e;
    const Status s = parse_aws_web_identity({200, body}, now, c, e);
    CAPTURE(body.substr(0, 80));
    CHECK(s.code() == ErrorCode::credentials_malformed);
    CHECK(s.message().find("wJalrXUtnFEMI") == std::string::npos);
    CHECK(c.credentials.access_key_id.empty());
  }
  AwsCredentials c;
  ProviderError e;
  const Status expired = parse_aws_web_identity({200, success}, 1414191623, c, e);
  CHECK(expired.code() == ErrorCode::credentials_malformed);
  CHECK(expired.message().find("expired") != std::string::npos);
}

TEST_CASE("AWS container endpoint: the URL from the environment, the request, the JSON answer") {
  std::string url;
  REQUIRE(aws_container_url("", "/v2/credentials/abc", url).ok());
  CHECK(url == "http://169.254.170.2/v2/credentials/abc");
  REQUIRE(aws_container_url("http://169.254.170.23/v1/credentials", "/ignored", url).ok());
  CHECK(url == "http://169.254.170.23/v1/credentials");
  CHECK(aws_container_url("http://10.0.0.1/creds", "", url).code() == ErrorCode::invalid_argument);
  CHECK(aws_container_url("", "v2/x", url).code() == ErrorCode::invalid_argument);
  CHECK(aws_container_url("", "", url).code() == ErrorCode::invalid_argument);

  Request r;
  REQUIRE(aws_container_request("http://127.0.0.1:9/creds", "Bearer abc", r).ok());
  CHECK(r.method == "GET");
  CHECK(r.url == "http://127.0.0.1:9/creds");
  CHECK(header(r, "Authorization") == "Bearer abc");
  REQUIRE(aws_container_request("http://127.0.0.1:9/creds", "", r).ok());
  CHECK(header(r, "Authorization") == "<none>");
  CHECK(aws_container_request("http://127.0.0.1:9/creds", "abc\n", r).code() == ErrorCode::invalid_argument);

  const std::string json = R"({"AccessKeyId":"ASIAEXAMPLE","Expiration":"2014-10-24T23:00:23Z",)"
                           R"("RoleArn":"arn:aws:iam::1:role/task","SecretAccessKey":"secret/key",)"
                           R"("Token":"session+token"})";
  AwsCredentials c;
  ProviderError e;
  REQUIRE(parse_aws_credentials_json({200, json}, now, c, e).ok());
  CHECK(c.credentials.access_key_id == "ASIAEXAMPLE");
  CHECK(c.credentials.secret_access_key == "secret/key");
  CHECK(c.credentials.session_token == "session+token");
  CHECK(c.expiration == 1414191623);

  const Status refused =
      parse_aws_credentials_json({400, R"({"code":"InvalidIdRequest","message":"Task ARN not found"})"}, now, c, e);
  CHECK(refused.code() == ErrorCode::credentials_refused);
  CHECK(e.code == "InvalidIdRequest");
  CHECK(refused.message().find("Task ARN not found") != std::string::npos);
  for (const char* body : {"", "[]", "{\"AccessKeyId\":\"A\"}", "{\"AccessKeyId\":1,\"SecretAccessKey\":\"s\"}",
                           R"({"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"soon"})",
                           R"({"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"2000-01-01T00:00:00Z"})",
                           R"({"AccessKeyId":"A","AccessKeyId":"B","SecretAccessKey":"s"})"}) {
    CAPTURE(body);
    CHECK(parse_aws_credentials_json({200, body}, now, c, e).code() == ErrorCode::credentials_malformed);
  }
}

TEST_CASE("AWS IMDSv2: token PUT, role, credentials; failures say what to enable") {
  Request r;
  REQUIRE(imds_token_request(imds_default_endpoint, r).ok());
  CHECK(r.method == "PUT");
  CHECK(r.url == "http://169.254.169.254/latest/api/token");
  CHECK(header(r, "X-aws-ec2-metadata-token-ttl-seconds") == "21600");
  CHECK(imds_token_request("http://10.1.1.1", r).code() == ErrorCode::invalid_argument);

  std::string token;
  REQUIRE(parse_imds_token({200, "AQAEAFjv-token=="}, token).ok());
  CHECK(token == "AQAEAFjv-token==");
  const Status forbidden = parse_imds_token({403, ""}, token);
  CHECK(forbidden.code() == ErrorCode::credentials_refused);
  CHECK(forbidden.message().find("hop limit") != std::string::npos);
  CHECK(parse_imds_token({200, ""}, token).code() == ErrorCode::credentials_malformed);
  CHECK(parse_imds_token({200, "two words"}, token).code() == ErrorCode::credentials_malformed);

  REQUIRE(imds_role_request("http://127.0.0.1:1234/", "tok", r).ok());
  CHECK(r.method == "GET");
  CHECK(r.url == "http://127.0.0.1:1234/latest/meta-data/iam/security-credentials/");
  CHECK(header(r, "X-aws-ec2-metadata-token") == "tok");
  std::string role;
  REQUIRE(parse_imds_role({200, "web-server-role\nother"}, role).ok());
  CHECK(role == "web-server-role");
  CHECK(parse_imds_role({404, ""}, role).message().find("instance profile") != std::string::npos);
  CHECK(parse_imds_role({200, "../etc"}, role).code() == ErrorCode::credentials_malformed);
  REQUIRE(imds_credentials_request("http://127.0.0.1:1234", "tok", "web-server-role", r).ok());
  CHECK(r.url == "http://127.0.0.1:1234/latest/meta-data/iam/security-credentials/web-server-role");
  CHECK(imds_credentials_request("http://127.0.0.1:1234", "tok", "a/b", r).code() == ErrorCode::invalid_argument);

  AwsCredentials c;
  ProviderError e;
  const std::string doc =
      R"({"Code":"Success","LastUpdated":"2014-10-24T22:00:00Z","Type":"AWS-HMAC",)"
      R"("AccessKeyId":"ASIAIMDS","SecretAccessKey":"s","Token":"t","Expiration":"2014-10-24T23:00:23Z"})";
  REQUIRE(parse_aws_credentials_json({200, doc}, now, c, e).ok());
  CHECK(c.credentials.access_key_id == "ASIAIMDS");
  const Status not_ready = parse_aws_credentials_json({200, R"({"Code":"AssumeRoleUnauthorizedAccess"})"}, now, c, e);
  CHECK(not_ready.code() == ErrorCode::credentials_refused);
  CHECK(e.code == "AssumeRoleUnauthorizedAccess");
}
