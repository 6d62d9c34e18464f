#include "edgepg/jwt/jwk.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "crypto/signature.hpp"
#include "jwt_test_vectors.hpp"
#include "util/base64url.hpp"

using namespace edgepg;
using namespace edgepg::jwt;

namespace {

std::string b64u(std::string_view s) { return util::base64url_encode(crypto::bytes_of(s)); }

// The reason a single key is unusable, through a one-key set next to a good key.
std::string reason_of(const std::string& jwk) {
  JwkSet set;
  const std::string doc = std::string(R"({"keys":[)") + jwt_vectors::kRsaJwk + "," + jwk + "]}";
  const auto s = parse_jwks(doc, set);
  REQUIRE_MESSAGE(s.ok(), s.message());
  REQUIRE(set.keys().size() == 2);
  CHECK(set.usable_count() + (set.keys()[1].usable ? 0 : 1) == 2);
  return set.keys()[1].usable ? std::string() : set.keys()[1].unusable_reason;
}

// kRsaJwk with `extra` members added.
std::string rsa_with(std::string_view extra) {
  std::string jwk = jwt_vectors::kRsaJwk;
  jwk.insert(jwk.size() - 1, extra);
  return jwk;
}

}  // namespace

TEST_CASE("base64url: RFC 4648 §10 vectors without padding, both ways") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(b64u(plain) == encoded);
    const auto decoded = util::base64url_decode(encoded);
    REQUIRE(decoded.has_value());
    CHECK(std::string(decoded->begin(), decoded->end()) == plain);
  }
  const std::uint8_t high[] = {0xfb, 0xff, 0xbf};
  CHECK(util::base64url_encode(high) == "-_-_");
}

TEST_CASE("base64url: strict decoding") {
  CHECK_FALSE(util::base64url_decode("Zg==").has_value());   // padding
  CHECK_FALSE(util::base64url_decode("+/+/").has_value());   // standard alphabet
  CHECK_FALSE(util::base64url_decode("Zm9vY").has_value());  // 4k+1 characters
  CHECK_FALSE(util::base64url_decode("Zh").has_value());     // trailing bits set: "Zg" is the only encoding of "f"
  CHECK_FALSE(util::base64url_decode("Zm9").has_value());    // "Zm8" is the only encoding of "fo"
  CHECK_FALSE(util::base64url_decode("Zm 9v").has_value());
  CHECK(util::base64url_decode("Zm8").has_value());
  CHECK(util::is_base64url("AZaz09-_"));
  CHECK_FALSE(util::is_base64url("a.b"));
}

TEST_CASE("ECDSA raw r||s to DER") {
  // r = 1, s = 0x80 (high bit: needs a 0x00) in 32-byte fields.
  std::vector<std::uint8_t> raw(64, 0);
  raw[31] = 0x01;
  raw[63] = 0x80;
  const auto der = crypto::ecdsa_raw_to_der(raw);
  REQUIRE(der.has_value());
  CHECK(*der == std::vector<std::uint8_t>{0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80});
  // P-521 sizes use the long length form.
  std::vector<std::uint8_t> big(132, 0xff);
  const auto der521 = crypto::ecdsa_raw_to_der(big);
  REQUIRE(der521.has_value());
  CHECK((*der521)[0] == 0x30);
  CHECK((*der521)[1] == 0x81);
  CHECK((*der521)[2] == 2 * (2 + 1 + 66));
  CHECK(der521->size() == 3 + 2 * (2 + 1 + 66));
  CHECK_FALSE(crypto::ecdsa_raw_to_der(std::vector<std::uint8_t>(63, 1)).has_value());
  CHECK_FALSE(crypto::ecdsa_raw_to_der(std::vector<std::uint8_t>(134, 1)).has_value());
}

TEST_CASE("JWKS: the test set parses; unusable keys are kept with a reason") {
  JwkSet set;
  const auto s = parse_jwks(jwt_vectors::kJwks, set);
  REQUIRE_MESSAGE(s.ok(), s.message());
  const auto& keys = set.keys();
  REQUIRE(keys.size() == 7);
  CHECK(set.usable_count() == 5);
  CHECK(keys[0].kty == "RSA");
  CHECK(keys[0].kid == "rsa-1");
  CHECK(keys[0].bits == 2048);
  CHECK(keys[0].usable);
  CHECK(keys[1].crv == "P-256");
  CHECK(keys[1].bits == 256);
  CHECK(keys[2].crv == "P-384");
  CHECK(keys[3].crv == "P-521");
  CHECK(keys[3].bits == 521);
  CHECK(keys[4].crv == "Ed25519");
  CHECK(keys[4].usable);
  CHECK_FALSE(keys[5].usable);
  CHECK(keys[5].bits == 1024);
  CHECK(keys[5].unusable_reason.find("2048") != std::string::npos);
  CHECK_FALSE(keys[6].usable);
  CHECK(keys[6].unusable_reason.find("sig") != std::string::npos);
}

TEST_CASE("JWKS: document-level errors") {
  JwkSet set;
  CHECK(parse_jwks("not json", set).code() == ErrorCode::jwks_invalid);
  CHECK(parse_jwks("[]", set).code() == ErrorCode::jwks_invalid);
  CHECK(parse_jwks(R"({"keys":{}})", set).code() == ErrorCode::jwks_invalid);
  CHECK(parse_jwks(R"({"keys":[]})", set).code() == ErrorCode::jwks_invalid);
  CHECK(parse_jwks(R"({"keys":[{"kty":"oct","k":"AAAA"}]})", set).code() == ErrorCode::jwks_invalid);
  CHECK(parse_jwks(R"({"keys":[],"keys":[]})", set).code() == ErrorCode::jwks_invalid);
  CHECK(parse_jwks(std::string(R"({"keys":[)") + jwt_vectors::kRsaJwk + "]" + std::string(40, '[') + "}", set).code() ==
        ErrorCode::jwks_invalid);
  CHECK(set.keys().empty());  // untouched by every failure

  // Over 64 KiB: refused, even if it would be valid.
  std::string big = std::string(R"({"keys":[)") + jwt_vectors::kRsaJwk + R"(],"pad":")";
  big += std::string(jwks_max_bytes - big.size(), 'x');
  big += "\"}";
  REQUIRE(big.size() > jwks_max_bytes);
  const auto s = parse_jwks(big, set);
  CHECK(s.code() == ErrorCode::jwks_invalid);
  CHECK(s.message().find("64 KiB") != std::string::npos);
  std::string fits = std::string(R"({"keys":[)") + jwt_vectors::kRsaJwk + R"(],"pad":")";
  fits += std::string(jwks_max_bytes - fits.size() - 2, 'x') + "\"}";
  REQUIRE(fits.size() == jwks_max_bytes);
  CHECK(parse_jwks(fits, set).ok());

  // Too many keys.
  std::string many = R"({"keys":[)";
  for (std::size_t i = 0; i <= jwks_max_keys; ++i) many += std::string(i ? "," : "") + R"({"kty":"x"})";
  many += "]}";
  CHECK(parse_jwks(many, set).code() == ErrorCode::jwks_invalid);
}

TEST_CASE("JWK: which keys are usable") {
  CHECK(reason_of(jwt_vectors::kRsaJwk).empty());
  CHECK(reason_of(R"({"kty":"oct","k":"AAAA"})").find("verify_jwt_hmac") != std::string::npos);
  CHECK_FALSE(reason_of(R"({"kty":"DSA"})").empty());
  CHECK_FALSE(reason_of(R"({"n":"AQAB","e":"AQAB"})").empty());  // no kty
  CHECK_FALSE(reason_of(R"({"kty":7})").empty());
  CHECK_FALSE(reason_of(R"([1])").empty());
  // use / key_ops / alg.
  CHECK(reason_of(rsa_with(R"(,"key_ops":["verify"])")).empty());
  CHECK(reason_of(rsa_with(R"(,"key_ops":["sign","verify"])")).empty());
  CHECK(reason_of(rsa_with(R"(,"key_ops":["encrypt"])")).find("verify") != std::string::npos);
  CHECK_FALSE(reason_of(rsa_with(R"(,"key_ops":"verify")")).empty());
  CHECK_FALSE(reason_of(rsa_with(R"(,"key_ops":[1])")).empty());
  CHECK(reason_of(rsa_with(R"(,"alg":"RS512")")).empty());
  CHECK(reason_of(rsa_with(R"(,"alg":"PS384")")).empty());
  CHECK_FALSE(reason_of(rsa_with(R"(,"alg":"ES256")")).empty());
  CHECK_FALSE(reason_of(rsa_with(R"(,"alg":"HS256")")).empty());
  CHECK_FALSE(reason_of(rsa_with(R"(,"alg":"RSA-OAEP")")).empty());
  CHECK_FALSE(reason_of(rsa_with(R"(,"alg":null)")).empty());
  CHECK_FALSE(
      reason_of(R"({"kty":"OKP","crv":"Ed25519","kid":5,"x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})").empty());
  // RSA members.
  CHECK_FALSE(reason_of(R"({"kty":"RSA","e":"AQAB"})").empty());
  CHECK_FALSE(reason_of(R"({"kty":"RSA","n":"AQAB=","e":"AQAB"})").empty());
  std::string even_e = jwt_vectors::kRsaJwk;
  even_e.replace(even_e.find(R"("e":"AQAB")"), 10, R"("e":"AQAA")");
  CHECK(reason_of(even_e).find("exponent") != std::string::npos);
  std::string e_one = jwt_vectors::kRsaJwk;
  e_one.replace(e_one.find(R"("e":"AQAB")"), 10, R"("e":"AQ")");
  CHECK(reason_of(e_one).find("exponent") != std::string::npos);
  CHECK(reason_of(jwt_vectors::kSmallRsaJwk).find("1024 bits") != std::string::npos);
  // EC.
  CHECK(reason_of(jwt_vectors::kEcOffCurveJwk).find("curve") != std::string::npos);
  const std::string x32 = b64u(std::string(32, 'x'));
  CHECK(reason_of(R"({"kty":"EC","crv":"P-256","x":")" + x32 + R"(","y":")" + b64u(std::string(31, 'y')) + "\"}")
            .find("32 bytes") != std::string::npos);
  CHECK_FALSE(reason_of(R"({"kty":"EC","crv":"secp256k1","x":")" + x32 + R"(","y":")" + x32 + "\"}").empty());
  CHECK_FALSE(reason_of(R"({"kty":"EC","crv":"P-256","x":")" + x32 + "\"}").empty());
  // OKP.
  CHECK(reason_of(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})").empty());
  CHECK(reason_of(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","alg":"ES256"})")
            .find("alg") != std::string::npos);
  CHECK_FALSE(reason_of(R"({"kty":"OKP","crv":"X25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})").empty());
  CHECK_FALSE(reason_of(R"({"kty":"OKP","crv":"Ed448","x":"AAAA"})").empty());
  CHECK_FALSE(reason_of(R"({"kty":"OKP","crv":"Ed25519","x":"AAAA"})").empty());
}

TEST_CASE("JWK: a single key document") {
  JwkSet set;
  REQUIRE(parse_jwk(jwt_vectors::kRsaJwk, set).ok());
  CHECK(set.usable_count() == 1);
  CHECK(set.keys()[0].kid == "rsa-1");
  const auto s = parse_jwk(jwt_vectors::kEcOffCurveJwk, set);
  CHECK(s.code() == ErrorCode::jwks_invalid);
  CHECK(s.message().find("curve") != std::string::npos);
  CHECK(parse_jwk(R"({"kty":"oct","k":"AAAA"})", set).code() == ErrorCode::jwks_invalid);
  CHECK(set.keys()[0].kid == "rsa-1");  // untouched
  // A copy shares the same immutable keys.
  const JwkSet copy = set;
  CHECK(copy.keys().size() == 1);
  // No key material in any reason.
  const auto small = parse_jwk(jwt_vectors::kSmallRsaJwk, set);
  const std::string n_start =
      std::string(jwt_vectors::kSmallRsaJwk).substr(std::string(jwt_vectors::kSmallRsaJwk).find("\"n\":\"") + 5, 20);
  CHECK(small.message().find(n_start) == std::string::npos);
}
