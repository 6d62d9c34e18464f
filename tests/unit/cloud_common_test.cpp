// The cloud exchanges' shared pieces: the bounded XML reader, RFC 3339 times, form encoding, endpoint checks and
// the redaction of the services' own messages.
#include <doctest/doctest.h>

#include <string>

#include "cloud/common.hpp"
#include "cloud/xml_text.hpp"

using namespace edgepg;
using namespace edgepg::cloud;
using namespace edgepg::cloud::detail;

TEST_CASE("cloud xml_text: leaf text, attributes, entities, and what it refuses") {
  const std::string doc =
      "<R xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Credentials><AccessKeyId>AK</AccessKeyId>"
      "<SessionToken a=\"1\">x&amp;y&lt;z&#65;&#x42;</SessionToken><Empty/><AccessKeyIdX>no</AccessKeyIdX>"
      "</Credentials></R>";
  CHECK(xml_text(doc, "AccessKeyId") == "AK");
  CHECK(xml_text(doc, "SessionToken") == "x&y<zAB");
  CHECK(xml_text(doc, "Empty") == "");
  CHECK(xml_text(doc, "AccessKeyIdX") == "no");
  CHECK_FALSE(xml_text(doc, "Missing"));
  CHECK_FALSE(xml_text(doc, "Credentials"));                 // holds elements: not a leaf
  CHECK_FALSE(xml_text("<A>x&nbsp;y</A>", "A"));             // an entity XML does not predefine
  CHECK_FALSE(xml_text("<A>x&#0;y</A>", "A"));               // NUL
  CHECK_FALSE(xml_text("<A>x&#xD800;</A>", "A"));            // a surrogate
  CHECK_FALSE(xml_text("<A>x", "A"));                        // unterminated
  CHECK_FALSE(xml_text(std::string("<A>x\x01y</A>"), "A"));  // a control byte
  CHECK(xml_has_unsupported_markup("<A><!-- c --></A>"));
  CHECK(xml_has_unsupported_markup("<A><![CDATA[x]]></A>"));
  CHECK_FALSE(xml_has_unsupported_markup(doc));
}

TEST_CASE("cloud parse_rfc3339: the shapes the services send, and nonsense refused") {
  std::int64_t t = 0;
  REQUIRE(parse_rfc3339("2014-10-24T23:00:23Z", t));
  CHECK(t == 1414191623);
  REQUIRE(parse_rfc3339("2014-10-02T15:01:23.045123456Z", t));
  CHECK(t == 1412262083);
  REQUIRE(parse_rfc3339("2014-10-02T17:01:23+02:00", t));
  CHECK(t == 1412262083);
  REQUIRE(parse_rfc3339("2014-10-02T14:01:23-01:00", t));
  CHECK(t == 1412262083);
  for (const char* bad : {"", "2014-10-24", "2014-10-24T23:00:23", "2014-13-24T23:00:23Z", "2014-10-24T24:00:23Z",
                          "2014-10-24T23:00:23ZX", "2014-10-24 23:00:23Z", "+014-10-24T23:00:23Z",
                          "2014-10-24T23:00:23.Z", "1414191623"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_rfc3339(bad, t));
  }
}

TEST_CASE("cloud form_add: application/x-www-form-urlencoded with AWS's unreserved set") {
  std::string body;
  form_add(body, "Action", "AssumeRoleWithWebIdentity");
  form_add(body, "RoleArn", "arn:aws:iam::1:role/a b+c");
  form_add(body, "x", "~-_.é");
  CHECK(body == "Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b%2Bc&x=~-_.%C3%A9");
}

TEST_CASE("cloud check_endpoint: https anywhere, plain http only to loopback (and the metadata hosts)") {
  CHECK(check_endpoint("https://sts.us-east-1.amazonaws.com/", HttpHosts::loopback, "e").ok());
  CHECK(check_endpoint("http://127.0.0.1:8080/", HttpHosts::loopback, "e").ok());
  CHECK(check_endpoint("http://localhost:8080/x", HttpHosts::loopback, "e").ok());
  CHECK(check_endpoint("http://169.254.169.254", HttpHosts::metadata, "e").ok());
  CHECK(check_endpoint("http://169.254.170.2/v2/credentials/x", HttpHosts::metadata, "e").ok());
  const Status plain = check_endpoint("http://sts.example.com/", HttpHosts::loopback, "the STS endpoint");
  CHECK(plain.code() == ErrorCode::invalid_argument);
  CHECK(plain.message().find("the STS endpoint must start with https://") == 0);
  CHECK_FALSE(check_endpoint("http://169.254.169.254", HttpHosts::loopback, "e").ok());
  CHECK_FALSE(check_endpoint("https://user:pw@sts.example.com/", HttpHosts::loopback, "e").ok());
  CHECK_FALSE(check_endpoint("ftp://x/", HttpHosts::loopback, "e").ok());
  CHECK_FALSE(check_endpoint("sts.example.com", HttpHosts::loopback, "e").ok());
  CHECK_FALSE(check_endpoint("https://[::1]/", HttpHosts::loopback, "e").ok());
  CHECK_FALSE(check_endpoint("https://a b/", HttpHosts::loopback, "e").ok());
  CHECK_FALSE(check_endpoint("https://x/\r\nHost: y", HttpHosts::loopback, "e").ok());
}

TEST_CASE("cloud safe_excerpt: bounded, no control bytes, tokens and keys redacted") {
  CHECK(safe_excerpt("Incorrect token audience.") == "Incorrect token audience");
  const std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
  CHECK(safe_excerpt("token " + jwt + " refused") == "token [redacted] refused");
  CHECK(safe_excerpt("key wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY here") == "key [redacted] here");
  CHECK(safe_excerpt("a\r\nb\x01") == "a  b");
  CHECK(safe_excerpt("jwt " + jwt + ".") == "jwt [redacted]");
  CHECK(safe_excerpt("Permission 'iam.serviceAccounts.getAccessToken' denied") ==
        "Permission 'iam.serviceAccounts.getAccessToken' denied");
  CHECK(safe_excerpt(std::string(1000, 'x') + " y").size() <= 210);
  CHECK(safe_excerpt(std::string(500, 'a') + " b").find("aaaa") == std::string::npos);
}

TEST_CASE("cloud refused: 4xx refused, 5xx/429/throttled unavailable, the code kept for the detail") {
  ProviderError e;
  const Status s = refused("svc", Response{400, ""}, "Code1", "said", "Check x", false, e);
  CHECK(s.code() == ErrorCode::credentials_refused);
  CHECK(std::string(s.name()) == "ECREDENTIALS");
  CHECK(s.message() == "svc refused the exchange (Code1, HTTP 400): said. Check x");
  CHECK(e.code == "Code1");
  CHECK(e.http_status == 400);
  CHECK(refused("svc", Response{503, ""}, "", "", "h", false, e).code() == ErrorCode::credentials_unavailable);
  CHECK(e.code == "HTTP 503");
  CHECK(refused("svc", Response{429, ""}, "", "", "h", false, e).code() == ErrorCode::credentials_unavailable);
  CHECK(refused("svc", Response{400, ""}, "Throttling", "", "h", true, e).code() == ErrorCode::credentials_unavailable);
}
