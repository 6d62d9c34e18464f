// SASL OAUTHBEARER, the server's side (auth/oauthbearer.hpp): RFC 7628's own example messages, each rule of its
// ABNF (and RFC 5801's gs2 header) refused on its own, the bearer token's shape (RFC 6750), the error challenge, and
// the whole exchange framed by the pg server codec as a PostgreSQL 18 client (libpq) sends it.
#include "edgepg/auth/oauthbearer.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "edgepg/pg/frontend.hpp"
#include "edgepg/pg/server_codec.hpp"

using namespace edgepg;
using namespace edgepg::auth;

namespace {

pg::Bytes bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

Status parse(std::string_view m, OAuthBearerClientFirst& out) { return parse_oauthbearer_client_first(bytes(m), out); }

// The error message for a refused client-first, checked to be a protocol error that does not quote the message.
std::string refusal(std::string_view m) {
  OAuthBearerClientFirst out;
  const Status s = parse(m, out);
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == ErrorCode::protocol);
  CHECK(s.message().find("secret-token") == std::string::npos);
  return s.message();
}

}  // namespace

TEST_CASE("oauthbearer: RFC 7628's examples and PostgreSQL 18's client-first") {
  OAuthBearerClientFirst out;
  // RFC 7628 §4.1 (its example, with a=user@example.com and host/port pairs).
  const std::string rfc =
      "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01"
      "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01";
  REQUIRE(parse(rfc, out));
  CHECK(out.channel_binding_flag == 'n');
  REQUIRE(out.authzid);
  CHECK(*out.authzid == "user@example.com");
  CHECK(out.auth == "Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==");
  std::string_view token;
  REQUIRE(oauthbearer_token(out.auth, token));
  CHECK(token == "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==");

  // libpq 18: no authzid, only the auth pair.
  REQUIRE(
      parse("n,,\x01"
            "auth=Bearer eyJhbGciOi.eyJzdWIi.c2ln\x01\x01",
            out));
  CHECK_FALSE(out.authzid);
  CHECK(out.auth == "Bearer eyJhbGciOi.eyJzdWIi.c2ln");
  // 'y': the client supports channel binding but thinks the server does not (accepted, as PostgreSQL does).
  REQUIRE(
      parse("y,,\x01"
            "auth=Bearer abc\x01\x01",
            out));
  CHECK(out.channel_binding_flag == 'y');
  // A discovery request: an empty auth value.
  REQUIRE(
      parse("n,,\x01"
            "auth=\x01\x01",
            out));
  CHECK(out.auth.empty());
  // RFC 5801 saslname escapes.
  REQUIRE(
      parse("n,a=a=2Cb=3Dc,\x01"
            "auth=Bearer t\x01\x01",
            out));
  CHECK(*out.authzid == "a,b=c");
  // Unknown keys are ignored, wherever they are; SP, HTAB, CR, LF are allowed in values.
  REQUIRE(
      parse("n,,\x01"
            "auth=Bearer t\x01xyz=a b\tc\r\n\x01\x01",
            out));
  CHECK(out.auth == "Bearer t");
}

TEST_CASE("oauthbearer: each rule of the client-first's grammar refused on its own") {
  CHECK(refusal("").find("empty") != std::string::npos);
  CHECK(refusal("p=tls-unique,,\x01"
                "auth=Bearer secret-token\x01\x01")
            .find("channel binding") != std::string::npos);
  CHECK(refusal("x,,\x01"
                "auth=Bearer secret-token\x01\x01")
            .find("flag") != std::string::npos);
  CHECK(refusal("n").find("','") != std::string::npos);
  CHECK(refusal("n;,\x01"
                "auth=Bearer secret-token\x01\x01")
            .find("','") != std::string::npos);
  CHECK(refusal("n,b=x,\x01"
                "auth=Bearer secret-token\x01\x01")
            .find("attribute") != std::string::npos);
  CHECK(refusal("n,a=,\x01"
                "auth=Bearer secret-token\x01\x01")
            .find("saslname") != std::string::npos);
  CHECK(refusal("n,a=x=2D,\x01"
                "auth=Bearer secret-token\x01\x01")
            .find("saslname") != std::string::npos);
  CHECK(refusal("n,a=x=2\x01"
                "auth=Bearer secret-token\x01\x01")
            .find("authorization identity") != std::string::npos);
  CHECK(refusal("n,,").find("kvsep after the gs2 header") != std::string::npos);
  CHECK(refusal("n,,auth=Bearer secret-token\x01\x01").find("kvsep after the gs2 header") != std::string::npos);
  CHECK(refusal("n,,\x01"
                "auth=Bearer secret-token\x01")
            .find("final kvsep") != std::string::npos);
  CHECK(refusal("n,,\x01"
                "auth=Bearer secret-token")
            .find("final kvsep") != std::string::npos);
  CHECK(refusal("n,,\x01"
                "authBearer secret-token\x01\x01")
            .find("without a value") != std::string::npos);
  CHECK(refusal("n,,\x01"
                "=Bearer secret-token\x01\x01")
            .find("empty key") != std::string::npos);
  CHECK(refusal("n,,\x01"
                "au th=Bearer secret-token\x01\x01")
            .find("not letters") != std::string::npos);
  CHECK(refusal("n,,\x01"
                "auth1=x\x01\x01")
            .find("not letters") != std::string::npos);
  using namespace std::string_literals;
  CHECK(refusal("n,,\x01"
                "auth=Bearer secret-token\0\x01\x01"s)
            .find("VCHAR") != std::string::npos);
  CHECK(refusal("n,,\x01"
                "auth=Bearer secret-token\x7f\x01\x01")
            .find("VCHAR") != std::string::npos);
  CHECK(refusal("n,,\x01"
                "auth=Bearer secret-token\x01"
                "auth=Bearer secret-token\x01\x01")
            .find("more than one") != std::string::npos);
  CHECK(refusal("n,,\x01"
                "host=db\x01\x01")
            .find("no auth") != std::string::npos);
  CHECK(refusal("n,,\x01\x01").find("no auth") != std::string::npos);
  CHECK(refusal("n,,\x01"
                "auth=Bearer secret-token\x01\x01x")
            .find("after the final") != std::string::npos);
  CHECK(refusal("\x01").find("flag") != std::string::npos);  // the error acknowledgement is not a client-first
}

TEST_CASE("oauthbearer: every truncation of a valid message is refused, never read past its end") {
  const std::string full =
      "n,a=role,\x01host=h\x01"
      "auth=Bearer abc.def\x01\x01";
  OAuthBearerClientFirst out;
  REQUIRE(parse(full, out));
  for (std::size_t n = 0; n < full.size(); ++n) {
    const std::vector<std::uint8_t> exact(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    CHECK_FALSE(parse_oauthbearer_client_first({exact.data(), exact.size()}, out).ok());
  }
}

TEST_CASE("oauthbearer: the bearer token's shape (RFC 6750 b64token)") {
  std::string_view t;
  CHECK((oauthbearer_token("Bearer abc", t) && t == "abc"));
  CHECK((oauthbearer_token("bearer abc", t) && t == "abc"));  // the scheme is case-insensitive
  CHECK((oauthbearer_token("BEARER   a.b-c_d~e+f/g==", t) && t == "a.b-c_d~e+f/g=="));
  CHECK_FALSE(oauthbearer_token("", t));
  CHECK_FALSE(oauthbearer_token("Bearer", t));
  CHECK_FALSE(oauthbearer_token("Bearer ", t));
  CHECK_FALSE(oauthbearer_token("Bearer    ", t));
  CHECK_FALSE(oauthbearer_token("Basic abc", t));
  CHECK_FALSE(oauthbearer_token("Bearerabc", t));
  CHECK_FALSE(oauthbearer_token("Bearer ==", t));
  CHECK_FALSE(oauthbearer_token("Bearer ab=c", t));
  CHECK_FALSE(oauthbearer_token("Bearer abc def", t));
  CHECK_FALSE(oauthbearer_token("Bearer abc\t", t));
}

TEST_CASE("oauthbearer: the error challenge and its acknowledgement") {
  CHECK(oauthbearer_error_challenge("openid", "https://issuer.example/.well-known/openid-configuration") ==
        R"({"status":"invalid_token","scope":"openid",)"
        R"("openid-configuration":"https://issuer.example/.well-known/openid-configuration"})");
  CHECK(oauthbearer_error_challenge("", "") == R"({"status":"invalid_token"})");
  CHECK(oauthbearer_error_challenge("a \"b\" \\c\n", "") ==
        R"({"status":"invalid_token","scope":"a \"b\" \\c\u000a"})");
  CHECK(is_oauthbearer_error_ack(bytes("\x01")));
  CHECK_FALSE(is_oauthbearer_error_ack(bytes("")));
  CHECK_FALSE(is_oauthbearer_error_ack(bytes("\x01\x01")));
  CHECK_FALSE(is_oauthbearer_error_ack(bytes("n")));
}

TEST_CASE("oauthbearer: the exchange as libpq 18 frames it, read through the server codec") {
  // The client's SASLInitialResponse, written by the client side's own FrontendWriter.
  const std::string first =
      "n,,\x01"
      "auth=Bearer eyJ0.eyJ1.c2ln\x01\x01";
  pg::FrontendWriter fw;
  fw.sasl_initial_response(oauthbearer_mechanism, first);
  fw.sasl_response(std::string_view("\x01"));
  pg::FrontendParser fp(pg::max_auth_message_size);
  REQUIRE(fp.feed(fw.data()));
  pg::RawMessage m;
  REQUIRE(fp.next(m) == pg::ParseStep::message);
  pg::SaslInitialResponse sir;
  REQUIRE(pg::decode_sasl_initial_response(m.body, sir));
  CHECK(sir.mechanism == oauthbearer_mechanism);
  REQUIRE(sir.data);
  OAuthBearerClientFirst out;
  REQUIRE(parse_oauthbearer_client_first(*sir.data, out));
  std::string_view token;
  REQUIRE(oauthbearer_token(out.auth, token));
  CHECK(token == "eyJ0.eyJ1.c2ln");
  REQUIRE(fp.next(m) == pg::ParseStep::message);
  pg::Bytes ack;
  REQUIRE(pg::decode_sasl_response(m.body, ack));
  CHECK(is_oauthbearer_error_ack(ack));
}
