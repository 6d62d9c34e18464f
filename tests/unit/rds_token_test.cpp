#include "edgepg/sign/rds_token.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace edgepg;
using namespace edgepg::sign;

// Expected tokens were produced by @aws-sdk/rds-signer 3.1169.0 (Signer.getAuthToken() under Node 20, with the
// global Date fixed to the same instant), so these checks are byte-exact against the real package.

TEST_CASE("RDS token: long-term keys, byte-exact with @aws-sdk/rds-signer") {
  std::string token;
  REQUIRE(rds_auth_token("mydb.123456789012.us-east-1.rds.amazonaws.com", 5432, "app_user", "us-east-1",
                         {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}}, 1440938160, token)
              .ok());
  CHECK(token ==
        "mydb.123456789012.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=app_user"
        "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Frds-db%2Faws4_request"
        "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=900"
        "&X-Amz-Signature=b6d3c9612db56fd2ab81af92a358152c521ef93b1871764f2dd89ae65833d19e"
        "&X-Amz-SignedHeaders=host");
}

TEST_CASE("RDS token: session token and a username that needs percent-encoding") {
  std::string token;
  REQUIRE(rds_auth_token("prod.cluster-abc.eu-west-2.rds.amazonaws.com", 6543, "iam user+x/y@z", "eu-west-2",
                         {"ASIAEXAMPLE", "secret/with+chars=", "FwoGZXIvYXdzE//////////wEaDA+token/=value=="},
                         1700000000, token)
              .ok());
  CHECK(token ==
        "prod.cluster-abc.eu-west-2.rds.amazonaws.com:6543/?Action=connect&DBUser=iam%20user%2Bx%2Fy%40z"
        "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=ASIAEXAMPLE%2F20231114%2Feu-west-2%2Frds-db%2Faws4_request"
        "&X-Amz-Date=20231114T221320Z&X-Amz-Expires=900"
        "&X-Amz-Security-Token=FwoGZXIvYXdzE%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaDA%2Btoken%2F%3Dvalue%3D%3D"
        "&X-Amz-Signature=c1fa097f94041a3fe45b41e501e7ede417a7715a988afaff96764fd4ecbc442b"
        "&X-Amz-SignedHeaders=host");
}

TEST_CASE("RDS token: a UTF-8 username at the Unix epoch") {
  std::string token;
  REQUIRE(rds_auth_token("localhost", 5432,
                         "\xc3\xbcn\xc3\xaf"
                         "c\xc3\xb8"
                         "d\xc3\xa9_\xe7\x94\xa8\xe6\x88\xb7",
                         "ap-northeast-1", {"AKIA1", "S", {}}, 0, token)
              .ok());
  CHECK(token ==
        "localhost:5432/?Action=connect&DBUser=%C3%BCn%C3%AFc%C3%B8d%C3%A9_%E7%94%A8%E6%88%B7"
        "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIA1%2F19700101%2Fap-northeast-1%2Frds-db%2Faws4_request"
        "&X-Amz-Date=19700101T000000Z&X-Amz-Expires=900"
        "&X-Amz-Signature=003bc85962184e1d9aab2d63f296c6bccaf48113aed45262c55dc449160e135a"
        "&X-Amz-SignedHeaders=host");
}

TEST_CASE("RDS token: !'()* encoded, host case kept, an empty session token means none") {
  std::string token;
  REQUIRE(rds_auth_token("MyDB.Example.COM", 1, "a!b'c(d)e*f~g.h-i_j", "us-gov-west-1", {"AKIA2", "x", ""}, 4102444799,
                         token)
              .ok());
  CHECK(token ==
        "MyDB.Example.COM:1/?Action=connect&DBUser=a%21b%27c%28d%29e%2Af~g.h-i_j"
        "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIA2%2F20991231%2Fus-gov-west-1%2Frds-db%2Faws4_request"
        "&X-Amz-Date=20991231T235959Z&X-Amz-Expires=900"
        "&X-Amz-Signature=3127fcb8512bf20b848e9768a81cc3ef9b93d36be6a16b0b151723d54690c891"
        "&X-Amz-SignedHeaders=host");
}

TEST_CASE("RDS token: the signature covers exactly the host header and the connect query") {
  // Recompute the first token through the general presigner: same canonical request, same signature.
  HttpRequest r{"GET",
                "/",
                {{"Action", "connect"}, {"DBUser", "app_user"}},
                {{"host", "mydb.123456789012.us-east-1.rds.amazonaws.com:5432"}},
                {}};
  SigningParams p{{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}}, "us-east-1", "rds-db", 1440938160};
  p.expires_in = rds_token_expires;
  Presigned ps;
  REQUIRE(presign(r, p, ps).ok());
  CHECK(ps.canonical_request ==
        "GET\n/\n"
        "Action=connect&DBUser=app_user&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Frds-db%2Faws4_request"
        "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\n"
        "host:mydb.123456789012.us-east-1.rds.amazonaws.com:5432\n\nhost\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(ps.signature == "b6d3c9612db56fd2ab81af92a358152c521ef93b1871764f2dd89ae65833d19e");
}

TEST_CASE("RDS token: unusable input is refused without leaking the secret") {
  const Credentials creds{"AKID", "TOPSECRET", {}};
  std::string token = "stale";
  auto refused = [&](Status s) {
    return s.code() == ErrorCode::invalid_argument && s.message().find("TOPSECRET") == std::string::npos &&
           token.empty();
  };
  CHECK(refused(rds_auth_token("", 5432, "u", "us-east-1", creds, 0, token)));
  CHECK(refused(rds_auth_token("h", 0, "u", "us-east-1", creds, 0, token)));
  CHECK(refused(rds_auth_token("h", 5432, "", "us-east-1", creds, 0, token)));
  CHECK(refused(rds_auth_token("h", 5432, "u", "", creds, 0, token)));
  CHECK(refused(rds_auth_token("h/x", 5432, "u", "us-east-1", creds, 0, token)));
  CHECK(refused(rds_auth_token("h x", 5432, "u", "us-east-1", creds, 0, token)));
  CHECK(refused(rds_auth_token("h", 5432, "\xff", "us-east-1", creds, 0, token)));          // not UTF-8
  CHECK(refused(rds_auth_token("h", 5432, "\xc3", "us-east-1", creds, 0, token)));          // truncated
  CHECK(refused(rds_auth_token("h", 5432, "\xed\xa0\x80", "us-east-1", creds, 0, token)));  // surrogate
  CHECK(refused(rds_auth_token("h", 5432, "\xc0\xaf", "us-east-1", creds, 0, token)));      // overlong
  CHECK(refused(rds_auth_token("h", 5432, "u", "us-east-1", {"", "TOPSECRET", {}}, 0, token)));
  CHECK(refused(rds_auth_token("h", 5432, "u", "us-east-1", {"AKID", "", {}}, 0, token)));
  CHECK(refused(rds_auth_token("h", 5432, "u", "us-east-1", creds, -1, token)));
  CHECK(rds_auth_token("h", 65535, "\xf0\x9f\x98\x80", "us-east-1", creds, 0, token).ok());  // 4-byte UTF-8
  CHECK(token.starts_with("h:65535/?Action=connect&DBUser=%F0%9F%98%80&"));
}
