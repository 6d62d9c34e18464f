// The native keyless providers' cache and clock (edgepg/client/aws_credentials.hpp, access_token.hpp) with sources
// that need no network, and net/http_request's rules that hold before any connection: which plain-http hosts it
// takes, and no line break smuggled into a header. The exchanges themselves: tests/native/keyless_*_e2e_test.cpp.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>

#include "edgepg/client/access_token.hpp"
#include "edgepg/client/aws_credentials.hpp"
#include "edgepg/error.hpp"
#include "net/http_request.hpp"

using namespace edgepg;

namespace {

std::string code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code() + ": " + e.message();
  }
  return "none";
}

}  // namespace

TEST_CASE("cloud providers: cached until the refresh window before the expiry, then exchanged again") {
  auto now = std::make_shared<std::atomic<std::int64_t>>(1'700'000'000'000);
  std::atomic<int> calls{0};
  CloudOptions o;
  o.clock = [now] { return now->load(); };
  const AwsCredentialsProvider aws(
      "test source",
      [&](std::int64_t at) {
        CHECK(at == now->load() / 1000);  // the provider's clock, in seconds
        cloud::AwsCredentials c;
        c.credentials = {"AKID" + std::to_string(++calls), "secret", "session"};
        c.expiration = at + 3600;
        return c;
      },
      o);
  CHECK(aws.credentials().credentials.access_key_id == "AKID1");
  now->fetch_add(54 * 60'000);  // 6 minutes before the expiry: outside the 5-minute window
  CHECK(aws.credentials().credentials.access_key_id == "AKID1");
  now->fetch_add(2 * 60'000);  // inside it
  CHECK(aws.credentials().credentials.access_key_id == "AKID2");
  CHECK(aws.credentials().credentials.secret_access_key == "secret");
  CHECK(aws.credentials().credentials.session_token == "session");
  CHECK(calls == 2);
  aws.invalidate();
  CHECK(aws.credentials().credentials.access_key_id == "AKID3");
}

TEST_CASE("cloud providers: a failed exchange keeps its code; a copy shares the cache") {
  auto now = std::make_shared<std::atomic<std::int64_t>>(1'700'000'000'000);
  std::atomic<int> calls{0};
  CloudOptions o;
  o.clock = [now] { return now->load(); };
  const AccessTokenProvider p(
      "test",
      [&](std::int64_t at) -> cloud::AccessToken {
        if (++calls == 1) throw Error(ErrorCode::timed_out, "the service did not answer");
        return {"access-token", at + 3600};
      },
      o);
  CHECK(code_of([&] { (void)p.token(); }) == "ETIMEDOUT: the service did not answer");
  CHECK(code_of([&] { (void)p.token(); }) == "ETIMEDOUT: the service did not answer");  // the cooldown
  CHECK(calls == 1);
  now->fetch_add(1'500);
  const AccessTokenProvider copy = p;
  CHECK(copy.password()() == "access-token");
  CHECK(p.token() == "access-token");
  CHECK(calls == 2);
}

TEST_CASE("cloud providers: unusable options are EINVAL before any request") {
  AwsWebIdentityOptions w;
  w.role_arn = "arn:aws:iam::123456789012:role/app";
  w.region = "eu-west-1";
  w.endpoint = "http://sts.example.com/";  // plain http to a non-loopback host
  w.token.function = [] { return std::string("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"); };
  CHECK(code_of([&] { (void)aws_web_identity(w).credentials(); }).starts_with("EINVAL: the STS endpoint"));
  w.token.function = []() -> std::string { throw std::runtime_error("no token here"); };
  CHECK(code_of([&] { (void)aws_web_identity(w).credentials(); }) ==
        "EINVAL: AWS web identity: the token function failed");
  w.token = {};
  CHECK(code_of([&] { (void)aws_web_identity(w).credentials(); }) ==
        "EINVAL: AWS web identity needs a token: a function or a file");
  AzureAccessTokenOptions a;
  a.tenant_id = "t";
  a.client_id = "c";
  a.token.file = "/nonexistent/edgepg-token";
  CHECK(code_of([&] { (void)azure_access_token(a).token(); }) ==
        "ECREDENTIALS: Microsoft Entra ID: cannot read the token file /nonexistent/edgepg-token");
  CHECK(code_of([&] {
          (void)aws_imds_credentials("http://10.1.2.3").credentials();
        }).starts_with("EINVAL: the instance metadata endpoint must start with https://"));
}

TEST_CASE("http_request: plain http to loopback, and to the metadata addresses only when asked; no header injection") {
  CHECK(net::parse_http_url("http://127.0.0.2:8080/x").host == "127.0.0.2");
  CHECK(code_of([] { (void)net::parse_http_url("http://169.254.169.254/latest/api/token"); }).starts_with("EINVAL"));
  CHECK(net::parse_http_url("http://169.254.169.254/latest/api/token", true).port == 80);
  CHECK(net::parse_http_url("http://169.254.170.2/v2/credentials", true).target == "/v2/credentials");
  CHECK(code_of([] { (void)net::parse_http_url("http://10.0.0.1/", true); }) ==
        "EINVAL: http:// is only for loopback tests and the metadata addresses: use https://");
  net::HttpOptions o;
  o.timeout = std::chrono::milliseconds(100);
  CHECK(code_of([&] {
          (void)net::http_request("GET", "http://127.0.0.1:1/", {{"X-Token", "a\r\nInjected: yes"}}, {}, o);
        }) == "EINVAL: the HTTP header X-Token has a line break in its name or value");
  CHECK(code_of([&] { (void)net::http_request("GE T", "http://127.0.0.1:1/", {}, {}, o); }) ==
        "EINVAL: the HTTP method is not usable");
}
