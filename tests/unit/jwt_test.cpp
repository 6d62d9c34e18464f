#include "edgepg/jwt/jwt.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/crypto.hpp"
#include "crypto/signature.hpp"
#include "jwt_test_vectors.hpp"
#include "util/base64url.hpp"

using namespace edgepg;
using namespace edgepg::jwt;

namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::vector<std::uint8_t> b64u_bytes(std::string_view s) { return *util::base64url_decode(s); }
std::string b64u(std::string_view s) { return util::base64url_encode(crypto::bytes_of(s)); }

// A 32-byte secret for the HS256 tokens the tests build themselves.
const std::string kSecret = "0123456789abcdef0123456789abcdef";

std::string hs256(std::string_view header_json, std::string_view payload_json, std::string_view secret = kSecret) {
  const std::string input = b64u(header_json) + "." + b64u(payload_json);
  const auto mac = crypto::hmac_sha256(crypto::bytes_of(secret), crypto::bytes_of(input));
  return input + "." + util::base64url_encode(mac);
}

std::string hs256_claims(std::string_view payload_json) {
  return hs256(R"({"alg":"HS256","typ":"JWT"})", payload_json);
}

Status verify_hs(std::string_view token, std::int64_t now, const ClaimsPolicy& policy = {}, Claims* out = nullptr) {
  VerifyOptions opt;
  opt.claims = policy;
  Claims claims;
  auto s = verify_jwt_hmac(token, bytes(kSecret), opt, now, claims);
  if (out != nullptr) *out = claims;
  return s;
}

JwkSet load_jwks() {
  JwkSet set;
  const auto s = parse_jwks(jwt_vectors::kJwks, set);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return set;
}

VerifyOptions all_asymmetric() {
  VerifyOptions opt;
  opt.algorithms = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"};
  return opt;
}

// The parts of a token, so tests can check that no message repeats them.
std::vector<std::string> parts_of(std::string_view token) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= token.size(); ++i) {
    if (i == token.size() || token[i] == '.') {
      if (i > start) out.emplace_back(token.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

void check_message_clean(const Status& s, std::string_view token) {
  for (const auto& part : parts_of(token)) {
    if (part.size() >= 8) CHECK_MESSAGE(s.message().find(part) == std::string::npos, s.message());
  }
  CHECK(s.message().find(kSecret) == std::string::npos);
  CHECK_FALSE(s.message().empty());
}

constexpr std::int64_t kNow = 1800000000;  // inside every generated token's [iat, exp]

}  // namespace

// ---- RFC vectors ----

TEST_CASE("JWT: RFC 7515 A.1 HS256, exactly") {
  const char* token =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
      ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
      ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const auto key = b64u_bytes("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  VerifyOptions opt;
  opt.algorithms = {"HS256"};
  opt.claims.issuer = {"joe"};
  Claims claims;
  JwsHeader header;
  const auto s = verify_jwt_hmac(token, key, opt, 1300819380 - 3600, claims, &header);
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(claims.json() == "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
  CHECK(claims.iss() == "joe");
  CHECK(claims.exp() == 1300819380);
  CHECK_FALSE(claims.sub().has_value());
  CHECK(claims.has("http://example.com/is_root"));
  CHECK(header.alg == JwsAlg::HS256);
  CHECK_FALSE(header.has_kid);

  // The token's exp is 1300819380; the default tolerance is 30 s.
  Claims other;
  CHECK(verify_jwt_hmac(token, key, opt, 1300819380 + 29, other).ok());
  other = Claims{};
  const auto late = verify_jwt_hmac(token, key, opt, 1300819380 + 30, other);
  CHECK(late.code() == ErrorCode::jwt_expired);
  CHECK(std::string(late.name()) == "ERR_JWT_EXPIRED");
  CHECK(other.json() == "{}");  // untouched on error
}

TEST_CASE("JWS: RFC 7520 §4.4 HS256 with kid; its payload is text, so it is no JWT") {
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9"
      ".SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5"
      "k"
      "IGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"
      ".s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0";
  const auto key = b64u_bytes("hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg");
  VerifyOptions opt;
  opt.algorithms = {"HS256"};
  std::string payload;
  JwsHeader header;
  const auto s = verify_jws_hmac(token, key, opt, payload, &header);
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(payload ==
        "It\xe2\x80\x99s a dangerous business, Frodo, going out your door. You step onto the road, and if you don't "
        "keep your feet, there\xe2\x80\x99s no knowing where you might be swept off to.");
  CHECK(header.kid == "018c0ae5-4d9b-471b-bfd6-eef314bc7037");

  Claims claims;
  CHECK(verify_jwt_hmac(token, key, opt, kNow, claims).code() == ErrorCode::jwt_malformed);

  auto wrong = key;
  wrong[0] ^= 1;
  CHECK(verify_jws_hmac(token, wrong, opt, payload).code() == ErrorCode::jwt_signature);
}

TEST_CASE("JWS: RFC 7520 §4.1 RS256 with the RFC's RSA key") {
  const char* jwk =
      R"({"kty":"RSA","kid":"bilbo.baggins@hobbiton.example","use":"sig",)"
      R"("n":"n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqV)"
      R"(wGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde)"
      R"(3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5g)"
      R"(HdrNP5zw","e":"AQAB"})";
  const std::string token =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9"
      ".SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5"
      "k"
      "IGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"
      ".MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84wnB-"
      "BDkoBwA"
      "78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQ"
      "dLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_"
      "fcIe8u9ipH84ogoree7vjbU5y18k"
      "DquDg";
  JwkSet keys;
  REQUIRE(parse_jwk(jwk, keys).ok());
  CHECK(keys.keys().at(0).bits == 2048);
  VerifyOptions opt;
  opt.algorithms = {"RS256"};
  std::string payload;
  const auto s = verify_jws(token, keys, opt, payload);
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(payload.rfind("It\xe2\x80\x99s a dangerous business, Frodo", 0) == 0);

  // One flipped bit anywhere in the signed input or the signature breaks it.
  std::string altered = token;
  altered[80] = altered[80] == 'A' ? 'B' : 'A';
  CHECK(verify_jws(altered, keys, opt, payload).code() == ErrorCode::jwt_signature);
  altered = token;
  altered[token.size() - 3] = altered[token.size() - 3] == 'k' ? 'j' : 'k';
  CHECK(verify_jws(altered, keys, opt, payload).code() == ErrorCode::jwt_signature);
  // Outside the allowlist it is refused before the key is used.
  opt.algorithms = {"PS256"};
  CHECK(verify_jws(token, keys, opt, payload).code() == ErrorCode::jwt_alg);
}

TEST_CASE("JWS: RFC 8037 A.4 Ed25519, with a key that has no kid and a token that has none") {
  const char* jwk = R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";
  const char* token =
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
      ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
  JwkSet keys;
  REQUIRE(parse_jwk(jwk, keys).ok());
  VerifyOptions opt;
  opt.algorithms = {"EdDSA"};
  std::string payload;
  const auto s = verify_jws(token, keys, opt, payload);
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(payload == "Example of Ed25519 signing");
  std::string altered = token;
  altered[21] = 'S';  // payload "RX..." -> "SX..."
  CHECK(verify_jws(altered, keys, opt, payload).code() == ErrorCode::jwt_signature);
}

// ---- every algorithm through a JWKS ----

TEST_CASE("JWT: RS/PS/ES/EdDSA tokens verify against the JWKS, claims checked") {
  const JwkSet keys = load_jwks();
  VerifyOptions opt = all_asymmetric();
  opt.claims.issuer = {"https://issuer.example"};
  opt.claims.audience = {"api"};
  opt.claims.required_claims = {"sub", "exp"};
  const std::pair<const char*, JwsAlg> tokens[] = {
      {jwt_vectors::kRS256Token, JwsAlg::RS256}, {jwt_vectors::kRS384Token, JwsAlg::RS384},
      {jwt_vectors::kRS512Token, JwsAlg::RS512}, {jwt_vectors::kPS256Token, JwsAlg::PS256},
      {jwt_vectors::kPS384Token, JwsAlg::PS384}, {jwt_vectors::kPS512Token, JwsAlg::PS512},
      {jwt_vectors::kES256Token, JwsAlg::ES256}, {jwt_vectors::kES384Token, JwsAlg::ES384},
      {jwt_vectors::kES512Token, JwsAlg::ES512}, {jwt_vectors::kEdDsaToken, JwsAlg::EdDSA},
  };
  for (const auto& [token, alg] : tokens) {
    CAPTURE(jws_alg_name(alg));
    Claims claims;
    JwsHeader header;
    const auto s = verify_jwt(token, keys, opt, kNow, claims, &header);
    REQUIRE_MESSAGE(s.ok(), s.message());
    CHECK(header.alg == alg);
    CHECK(header.has_kid);
    CHECK(claims.sub() == "user-1");
    CHECK(claims.exp() == 2000000000);
    CHECK(claims.iat() == 1700000000);
    CHECK(claims.json().find("\"realm_access\"") != std::string::npos);

    // The last signature character changed: still base64url, a different signature.
    std::string altered = token;
    char& last = altered.back();
    last = last == 'A' ? 'Q' : 'A';
    const auto bad = verify_jwt(altered, keys, opt, kNow, claims);
    if (bad.code() != ErrorCode::jwt_malformed) {  // a non-canonical last character is refused as malformed
      CHECK(bad.code() == ErrorCode::jwt_signature);
    }
    check_message_clean(bad, altered);

    // Only this algorithm outside the allowlist: refused before any key is touched.
    VerifyOptions narrow = opt;
    narrow.algorithms = {alg == JwsAlg::RS256 ? "ES256" : "RS256"};
    CHECK(verify_jwt(token, keys, narrow, kNow, claims).code() == ErrorCode::jwt_alg);
  }
}

TEST_CASE("JWT: ES256 signatures of the wrong length or DER-encoded are refused") {
  const JwkSet keys = load_jwks();
  const VerifyOptions opt = all_asymmetric();
  const std::string token = jwt_vectors::kES256Token;
  const auto dot = token.rfind('.');
  const auto sig = b64u_bytes(token.substr(dot + 1));
  REQUIRE(sig.size() == 64);
  Claims claims;
  // Truncated r||s.
  const std::string shorter = token.substr(0, dot + 1) + util::base64url_encode(std::span(sig).first(63));
  CHECK(verify_jwt(shorter, keys, opt, kNow, claims).code() == ErrorCode::jwt_signature);
  // The same signature as DER (what OpenSSL produces natively) is not JOSE's form.
  const auto der = crypto::ecdsa_raw_to_der(sig);
  REQUIRE(der.has_value());
  const std::string as_der = token.substr(0, dot + 1) + util::base64url_encode(*der);
  CHECK(verify_jwt(as_der, keys, opt, kNow, claims).code() == ErrorCode::jwt_signature);
}

// ---- algorithm and key confusion ----

TEST_CASE("JWT: alg none is always refused") {
  const std::string payload = b64u(R"({"sub":"admin"})");
  for (const char* header : {R"({"alg":"none"})", R"({"alg":"none","typ":"JWT"})"}) {
    const std::string unsigned_token = b64u(header) + "." + payload + ".";
    const std::string with_sig = b64u(header) + "." + payload + ".AAAA";
    Claims claims;
    VerifyOptions opt = all_asymmetric();
    CHECK(verify_jwt(with_sig, load_jwks(), opt, kNow, claims).code() == ErrorCode::jwt_alg);
    CHECK(verify_jwt(unsigned_token, load_jwks(), opt, kNow, claims).code() == ErrorCode::jwt_malformed);
    CHECK(verify_jwt_hmac(with_sig, bytes(kSecret), VerifyOptions{}, kNow, claims).code() == ErrorCode::jwt_alg);
    // Listing it is a configuration error, not a way in.
    opt.algorithms = {"none"};
    CHECK(verify_jwt(with_sig, load_jwks(), opt, kNow, claims).code() == ErrorCode::invalid_argument);
    CHECK(verify_jwt_hmac(with_sig, bytes(kSecret), opt, kNow, claims).code() == ErrorCode::invalid_argument);
  }
  // Other spellings are simply unknown algorithms.
  Claims claims;
  const std::string upper = b64u(R"({"alg":"NONE"})") + "." + payload + ".AAAA";
  CHECK(verify_jwt_hmac(upper, bytes(kSecret), VerifyOptions{}, kNow, claims).code() == ErrorCode::jwt_alg);
}

TEST_CASE("JWT: HS256 signed with the RSA public key's PEM is refused when the key is RSA") {
  const JwkSet keys = load_jwks();
  Claims claims;
  VerifyOptions opt;
  opt.algorithms = {"RS256"};
  CHECK(verify_jwt(jwt_vectors::kHs256WithPemKidToken, keys, opt, kNow, claims).code() == ErrorCode::jwt_alg);
  // Even with HS256 allowed, a public key is never an HMAC secret.
  opt.algorithms = {"RS256", "HS256"};
  const auto s = verify_jwt(jwt_vectors::kHs256WithPemKidToken, keys, opt, kNow, claims);
  CHECK(s.code() == ErrorCode::jwt_alg);
  CHECK(s.message().find("never used as an HMAC secret") != std::string::npos);
  check_message_clean(s, jwt_vectors::kHs256WithPemKidToken);
  CHECK(verify_jwt(jwt_vectors::kHs256WithPemNoKidToken, keys, opt, kNow, claims).code() == ErrorCode::jwt_alg);
  // The attack does work against a verifier that takes the PEM as a secret: the vector is genuine.
  VerifyOptions hs;
  CHECK(verify_jwt_hmac(jwt_vectors::kHs256WithPemKidToken, bytes(jwt_vectors::kRsaPem), hs, kNow, claims).ok());
}

TEST_CASE("JWT: a kid that names a key of another type, or a key bound to another alg") {
  const JwkSet keys = load_jwks();
  VerifyOptions opt = all_asymmetric();
  Claims claims;
  const auto s = verify_jwt(jwt_vectors::kRs256KidOfEcToken, keys, opt, kNow, claims);
  CHECK(s.code() == ErrorCode::jwt_alg);
  CHECK(s.message().find("EC P-256") != std::string::npos);

  // A JWK with "alg":"PS256" verifies PS256 only.
  std::string jwk = jwt_vectors::kRsaJwk;
  jwk.insert(jwk.size() - 1, R"(,"alg":"PS256")");
  JwkSet bound;
  REQUIRE(parse_jwk(jwk, bound).ok());
  CHECK(verify_jwt(jwt_vectors::kRS256Token, bound, opt, kNow, claims).code() == ErrorCode::jwt_alg);
  CHECK(verify_jwt(jwt_vectors::kPS256Token, bound, opt, kNow, claims).ok());
}

TEST_CASE("JWT: RSA keys under 2048 bits are refused") {
  JwkSet single;
  const auto parsed = parse_jwk(jwt_vectors::kSmallRsaJwk, single);
  CHECK(parsed.code() == ErrorCode::jwks_invalid);
  CHECK(parsed.message().find("1024 bits") != std::string::npos);
  CHECK(single.keys().empty());

  const JwkSet keys = load_jwks();
  Claims claims;
  const auto s = verify_jwt(jwt_vectors::kRs256SmallKeyToken, keys, all_asymmetric(), kNow, claims);
  CHECK(s.code() == ErrorCode::jwks_no_key);
  CHECK(s.message().find("2048") != std::string::npos);
}

TEST_CASE("JWT: key selection by kid and without kid") {
  const JwkSet keys = load_jwks();
  const VerifyOptions opt = all_asymmetric();
  Claims claims;
  // No kid: the JWKS holds one usable RSA key (the 1024-bit and the "enc" ones are unusable).
  CHECK(verify_jwt(jwt_vectors::kRs256NoKidToken, keys, opt, kNow, claims).ok());

  // An unknown kid: refetch advice.
  const std::string body =
      std::string(jwt_vectors::kRS256Token).substr(std::string(jwt_vectors::kRS256Token).find('.'));
  const std::string unknown = b64u(R"({"alg":"RS256","kid":"rotated-away"})") + body;
  const auto s = verify_jwt(unknown, keys, opt, kNow, claims);
  CHECK(s.code() == ErrorCode::jwks_no_key);
  CHECK(s.message().find("fetch the JWKS again") != std::string::npos);
  CHECK(s.message().find("rotated-away") == std::string::npos);

  // A kid naming an encryption key.
  const std::string enc = b64u(R"({"alg":"RS256","kid":"enc-1"})") + body;
  const auto e = verify_jwt(enc, keys, opt, kNow, claims);
  CHECK(e.code() == ErrorCode::jwks_no_key);
  CHECK(e.message().find("sig") != std::string::npos);

  // Two RSA keys and a token without kid: ambiguous.
  std::string two = std::string(R"({"keys":[)") + jwt_vectors::kRsaJwk + "," + jwt_vectors::kRsaJwk + "]}";
  two.replace(two.rfind("rsa-1"), 5, "rsa-2");
  JwkSet both;
  REQUIRE(parse_jwks(two, both).ok());
  CHECK(verify_jwt(jwt_vectors::kRs256NoKidToken, both, opt, kNow, claims).code() == ErrorCode::jwks_no_key);
  CHECK(verify_jwt(jwt_vectors::kRS256Token, both, opt, kNow, claims).ok());  // its kid picks rsa-1

  // No key at all for the alg (the default, empty set).
  CHECK(verify_jwt(jwt_vectors::kRS256Token, JwkSet{}, opt, kNow, claims).code() == ErrorCode::jwks_no_key);
}

TEST_CASE("JWT: the algorithms allowlist is required with a key set and checked") {
  const JwkSet keys = load_jwks();
  Claims claims;
  VerifyOptions none;
  const auto s = verify_jwt(jwt_vectors::kRS256Token, keys, none, kNow, claims);
  CHECK(s.code() == ErrorCode::invalid_argument);
  CHECK(std::string(s.name()) == "EINVAL");
  VerifyOptions bad;
  bad.algorithms = {"rs256"};  // names are case-sensitive
  CHECK(verify_jwt(jwt_vectors::kRS256Token, keys, bad, kNow, claims).code() == ErrorCode::invalid_argument);
  VerifyOptions es;
  es.algorithms = {"ES256"};
  const auto a = verify_jwt(jwt_vectors::kRS256Token, keys, es, kNow, claims);
  CHECK(a.code() == ErrorCode::jwt_alg);
  CHECK(a.message().find("RS256") != std::string::npos);
  CHECK(a.message().find("ES256") != std::string::npos);
}

TEST_CASE("JWT: HMAC secrets: HS384/HS512, minimum length, other families refused") {
  std::vector<std::uint8_t> secret(64);
  for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<std::uint8_t>(i);
  VerifyOptions opt;  // empty allowlist with a secret: HS256/384/512
  Claims claims;
  CHECK(verify_jwt_hmac(jwt_vectors::kHs384Token, secret, opt, kNow, claims).ok());
  CHECK(claims.sub() == "user-1");
  CHECK(verify_jwt_hmac(jwt_vectors::kHs512Token, secret, opt, kNow, claims).ok());

  const std::vector<std::uint8_t> short48(secret.begin(), secret.begin() + 48);
  CHECK(verify_jwt_hmac(jwt_vectors::kHs512Token, short48, opt, kNow, claims).code() == ErrorCode::jwt_alg);
  CHECK(verify_jwt_hmac(jwt_vectors::kHs384Token, short48, opt, kNow, claims).code() == ErrorCode::jwt_signature);

  const auto short16 = bytes("0123456789abcdef");
  const std::string token16 = hs256_claims(R"({"sub":"x"})");
  CHECK(verify_jwt_hmac(token16, short16, opt, kNow, claims).code() == ErrorCode::jwt_alg);
  CHECK(verify_jwt_hmac(token16, std::span<const std::uint8_t>{}, opt, kNow, claims).code() ==
        ErrorCode::invalid_argument);

  // An RS256 token with a secret: the family does not match.
  CHECK(verify_jwt_hmac(jwt_vectors::kRS256Token, secret, opt, kNow, claims).code() == ErrorCode::jwt_alg);
  VerifyOptions only256;
  only256.algorithms = {"HS256"};
  CHECK(verify_jwt_hmac(jwt_vectors::kHs512Token, secret, only256, kNow, claims).code() == ErrorCode::jwt_alg);
}

// ---- structure, size and characters ----

TEST_CASE("JWT: size limit: a 10 MB token is refused before parsing") {
  std::string huge(10 * 1024 * 1024, 'A');
  huge[100] = '.';
  huge[200] = '.';
  Claims claims;
  const auto s = verify_hs(huge, kNow);
  CHECK(s.code() == ErrorCode::jwt_malformed);
  CHECK(s.message().find("16384") != std::string::npos);
  CHECK(s.message().size() < 200);

  // The limit is a parameter; a token of exactly the limit passes the size check.
  const std::string token = hs256_claims(R"({"sub":"x"})");
  VerifyOptions opt;
  opt.max_token_bytes = token.size();
  CHECK(verify_jwt_hmac(token, bytes(kSecret), opt, kNow, claims).ok());
  opt.max_token_bytes = token.size() - 1;
  CHECK(verify_jwt_hmac(token, bytes(kSecret), opt, kNow, claims).code() == ErrorCode::jwt_malformed);
}

TEST_CASE("JWT: non-base64url characters and broken structure are malformed") {
  const std::string good = hs256_claims(R"({"sub":"x"})");
  REQUIRE(verify_hs(good, kNow).ok());
  const auto d1 = good.find('.');
  const auto d2 = good.rfind('.');
  std::vector<std::string> bad = {
      "",
      "abc",
      good.substr(0, d2),                                         // two parts
      good + ".abc",                                              // four parts
      good + ".abc.def",                                          // five parts: JWE
      "." + good.substr(d1 + 1),                                  // empty header
      good.substr(0, d1) + "." + good.substr(d2),                 // empty payload
      good.substr(0, d2 + 1),                                     // empty signature
      good + "=",                                                 // padding
      good.substr(0, d1) + "+" + good.substr(d1),                 // base64 '+'
      good.substr(0, d1) + "/" + good.substr(d1),                 // base64 '/'
      " " + good,                                                 // space
      good + "\n",                                                // newline
      good.substr(0, 5) + "\xc3\xa9" + good.substr(5),            // non-ASCII
      good.substr(0, 5) + std::string(1, '\0') + good.substr(5),  // NUL
      good.substr(0, d1) + "A" + good.substr(d1),                 // header length 4k+1
  };
  for (const auto& token : bad) {
    CAPTURE(token);
    const auto s = verify_hs(token, kNow);
    CHECK(s.code() == ErrorCode::jwt_malformed);
  }
  CHECK(verify_hs(good + ".abc.def", kNow).message().find("JWE") != std::string::npos);
}

TEST_CASE("JWT: bad headers are malformed") {
  const std::string payload = R"({"sub":"x"})";
  const char* headers[] = {
      "not json",
      R"(["alg","HS256"])",
      R"({})",
      R"({"alg":256})",
      R"({"alg":"HS256","crit":["exp"]})",
      R"({"alg":"HS256","kid":7})",
      R"({"alg":"RS256","alg":"HS256"})",  // a repeated member name
      R"({"alg":"HS256","x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
      "{\"alg\":\"HS256\",\"x\":\"\xff\"}",  // not UTF-8
  };
  for (const char* h : headers) {
    CAPTURE(h);
    CHECK(verify_hs(hs256(h, payload), kNow).code() == ErrorCode::jwt_malformed);
  }
  // An unknown alg is ERR_JWT_ALG, and the message does not repeat it.
  const auto s = verify_hs(hs256(R"({"alg":"HS257-evil"})", payload), kNow);
  CHECK(s.code() == ErrorCode::jwt_alg);
  CHECK(s.message().find("HS257-evil") == std::string::npos);
  // Header parameters that point at keys are ignored, not followed.
  CHECK(verify_hs(hs256(R"({"alg":"HS256","jku":"https://evil.example/jwks","jwk":{"kty":"oct","k":"AA"}})", payload),
                  kNow)
            .ok());
}

TEST_CASE("JWT: bad payloads are malformed once the signature verifies") {
  const char* payloads[] = {
      "[1,2]",
      "\"text\"",
      "42",
      "not json",
      R"({"sub":"a","sub":"b"})",
      "{\"sub\":\"\xc3\"}",
      R"({"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
  };
  for (const char* p : payloads) {
    CAPTURE(p);
    CHECK(verify_hs(hs256_claims(p), kNow).code() == ErrorCode::jwt_malformed);
  }
  // A wrong signature is reported first: the payload of an unverified token is not parsed.
  std::string forged = hs256_claims("[1,2]");
  forged.back() = forged.back() == 'A' ? 'E' : 'A';
  const auto s = verify_hs(forged, kNow);
  CHECK((s.code() == ErrorCode::jwt_signature || s.code() == ErrorCode::jwt_malformed));
  const std::string forged2 = hs256(R"({"alg":"HS256"})", "[1,2]", "another secret of 32 bytes......");
  CHECK(verify_hs(forged2, kNow).code() == ErrorCode::jwt_signature);
}

// ---- claims ----

TEST_CASE("JWT claims: exp, nbf and iat boundaries with the tolerance") {
  const std::int64_t t = 1700000000;
  const std::string exp = hs256_claims(R"({"exp":1700000000})");
  CHECK(verify_hs(exp, t - 1000).ok());
  CHECK(verify_hs(exp, t + 29).ok());
  CHECK(verify_hs(exp, t + 30).code() == ErrorCode::jwt_expired);
  ClaimsPolicy strict;
  strict.clock_tolerance = 0;
  CHECK(verify_hs(exp, t - 1, strict).ok());
  CHECK(verify_hs(exp, t, strict).code() == ErrorCode::jwt_expired);

  const std::string nbf = hs256_claims(R"({"nbf":1700000000})");
  CHECK(verify_hs(nbf, t - 30).ok());
  CHECK(verify_hs(nbf, t - 31).code() == ErrorCode::jwt_not_yet_valid);
  CHECK(verify_hs(nbf, t, strict).ok());
  CHECK(verify_hs(nbf, t - 1, strict).code() == ErrorCode::jwt_not_yet_valid);

  const std::string iat = hs256_claims(R"({"iat":1700000000})");
  CHECK(verify_hs(iat, t - 30).ok());
  CHECK(verify_hs(iat, t - 31).code() == ErrorCode::jwt_not_yet_valid);
  CHECK(verify_hs(iat, t + 100000000).ok());  // age is not checked unless max_token_age is set

  ClaimsPolicy aged;
  aged.max_token_age = 60;
  CHECK(verify_hs(iat, t + 90, aged).ok());
  CHECK(verify_hs(iat, t + 91, aged).code() == ErrorCode::jwt_expired);
  CHECK(verify_hs(hs256_claims(R"({"sub":"x"})"), t, aged).code() == ErrorCode::jwt_claim);

  // Fractional NumericDates compare exactly; the accessor rounds down.
  Claims claims;
  const std::string frac = hs256_claims(R"({"exp":1700000000.5})");
  CHECK(verify_hs(frac, t, strict, &claims).ok());
  CHECK(claims.exp() == 1700000000);
  CHECK(verify_hs(frac, t + 1, strict).code() == ErrorCode::jwt_expired);

  // Wrong types.
  CHECK(verify_hs(hs256_claims(R"({"exp":"1700000000"})"), t).code() == ErrorCode::jwt_claim);
  CHECK(verify_hs(hs256_claims(R"({"nbf":null})"), t).code() == ErrorCode::jwt_claim);
  CHECK(verify_hs(hs256_claims(R"({"iat":true})"), t).code() == ErrorCode::jwt_claim);
  // Huge values neither overflow nor wrap.
  CHECK(verify_hs(hs256_claims(R"({"exp":1e300})"), t).ok());
  CHECK(verify_hs(hs256_claims(R"({"exp":-1e300})"), t).code() == ErrorCode::jwt_expired);
  CHECK(verify_hs(hs256_claims(R"({"exp":18446744073709551615})"), t, {}, &claims).ok());
  CHECK(claims.exp() == INT64_MAX);

  // Bad policies.
  ClaimsPolicy negative;
  negative.clock_tolerance = -1;
  CHECK(verify_hs(exp, t, negative).code() == ErrorCode::invalid_argument);
  ClaimsPolicy negative_age;
  negative_age.max_token_age = -5;
  CHECK(verify_hs(iat, t, negative_age).code() == ErrorCode::invalid_argument);
}

TEST_CASE("JWT claims: iss and aud") {
  const std::int64_t t = 1700000000;
  ClaimsPolicy p;
  p.issuer = {"https://issuer.example"};
  CHECK(verify_hs(hs256_claims(R"({"iss":"https://issuer.example"})"), t, p).ok());
  const auto other = verify_hs(hs256_claims(R"({"iss":"https://evil.example"})"), t, p);
  CHECK(other.code() == ErrorCode::jwt_claim);
  CHECK(other.message().find("evil") == std::string::npos);
  CHECK(other.message().find("https://issuer.example") != std::string::npos);
  CHECK(verify_hs(hs256_claims(R"({"sub":"x"})"), t, p).code() == ErrorCode::jwt_claim);
  CHECK(verify_hs(hs256_claims(R"({"iss":["https://issuer.example"]})"), t, p).code() == ErrorCode::jwt_claim);
  p.issuer = {"https://a.example", "https://issuer.example"};
  CHECK(verify_hs(hs256_claims(R"({"iss":"https://issuer.example"})"), t, p).ok());

  ClaimsPolicy a;
  a.audience = {"api"};
  CHECK(verify_hs(hs256_claims(R"({"aud":"api"})"), t, a).ok());
  CHECK(verify_hs(hs256_claims(R"({"aud":["web","api"]})"), t, a).ok());
  CHECK(verify_hs(hs256_claims(R"({"aud":["web"]})"), t, a).code() == ErrorCode::jwt_claim);
  CHECK(verify_hs(hs256_claims(R"({"aud":"API"})"), t, a).code() == ErrorCode::jwt_claim);
  CHECK(verify_hs(hs256_claims(R"({"aud":[]})"), t, a).code() == ErrorCode::jwt_claim);
  CHECK(verify_hs(hs256_claims(R"({"aud":["api",5]})"), t, a).code() == ErrorCode::jwt_claim);
  CHECK(verify_hs(hs256_claims(R"({"aud":{"api":true}})"), t, a).code() == ErrorCode::jwt_claim);
  CHECK(verify_hs(hs256_claims(R"({"sub":"x"})"), t, a).code() == ErrorCode::jwt_claim);
  a.audience = {"other", "web"};
  CHECK(verify_hs(hs256_claims(R"({"aud":["web","api"]})"), t, a).ok());
  CHECK(verify_hs(hs256_claims(R"({"aud":"api"})"), t, a).code() == ErrorCode::jwt_claim);
  // Unconfigured: not checked.
  CHECK(verify_hs(hs256_claims(R"({"aud":7,"iss":false})"), t).ok());
}

TEST_CASE("JWT claims: required claims") {
  ClaimsPolicy p;
  p.required_claims = {"sub", "exp"};
  CHECK(verify_hs(hs256_claims(R"({"sub":"x","exp":1800000000})"), 1700000000, p).ok());
  const auto s = verify_hs(hs256_claims(R"({"sub":"x"})"), 1700000000, p);
  CHECK(s.code() == ErrorCode::jwt_claim);
  CHECK(s.message().find("\"exp\"") != std::string::npos);
  CHECK(verify_hs(hs256_claims(R"({"sub":null,"exp":1800000000})"), 1700000000, p).ok());  // present
}

TEST_CASE("JWT: error names are stable") {
  CHECK(std::string(error_name(ErrorCode::jwt_malformed)) == "ERR_JWT_MALFORMED");
  CHECK(std::string(error_name(ErrorCode::jwt_alg)) == "ERR_JWT_ALG");
  CHECK(std::string(error_name(ErrorCode::jwt_signature)) == "ERR_JWT_SIGNATURE");
  CHECK(std::string(error_name(ErrorCode::jwt_expired)) == "ERR_JWT_EXPIRED");
  CHECK(std::string(error_name(ErrorCode::jwt_not_yet_valid)) == "ERR_JWT_NOT_YET_VALID");
  CHECK(std::string(error_name(ErrorCode::jwt_claim)) == "ERR_JWT_CLAIM");
  CHECK(std::string(error_name(ErrorCode::jwks_no_key)) == "ERR_JWKS_NO_KEY");
  CHECK(std::string(error_name(ErrorCode::jwks_invalid)) == "ERR_JWKS_INVALID");
  CHECK(std::string(error_name(ErrorCode::jwt_role_not_allowed)) == "ERR_JWT_ROLE_NOT_ALLOWED");
  CHECK(std::string(error_name(ErrorCode::invalid_argument)) == "EINVAL");
  CHECK(std::string(error_name(ErrorCode::ok)) == "OK");
}

TEST_CASE("JWT: no message repeats the token, its signature or the secret") {
  const JwkSet keys = load_jwks();
  const std::string good = hs256_claims(R"({"sub":"x","exp":1000})");
  std::string forged = good;
  forged[good.find('.') + 3] ^= 1;  // still base64url? flip only between letters
  const std::vector<std::string> tokens = {good,
                                           forged,
                                           hs256_claims(R"({"sub":"x","iss":"secret-issuer-value"})"),
                                           jwt_vectors::kRs256KidOfEcToken,
                                           jwt_vectors::kHs256WithPemKidToken,
                                           jwt_vectors::kRs256SmallKeyToken};
  ClaimsPolicy p;
  p.issuer = {"https://issuer.example"};
  for (const auto& token : tokens) {
    const auto a = verify_hs(token, 1700000000, p);
    if (!a.ok()) check_message_clean(a, token);
    Claims claims;
    VerifyOptions opt = all_asymmetric();
    opt.algorithms.push_back("HS256");
    const auto b = verify_jwt(token, keys, opt, 1700000000, claims);
    if (!b.ok()) check_message_clean(b, token);
  }
}

// ---- claims to role ----

TEST_CASE("Role mapping: dotted paths, literal keys with dots, arrays and the allowlist") {
  Claims claims;
  REQUIRE(
      Claims::parse(
          R"({"sub":"u","role":"app_user","realm_access":{"roles":["offline_access","postgres","app_admin","app_user"]},)"
          R"("https://example.com/roles":["app_user"],"https://example.com":{"role":"nested"},)"
          R"("app":{"https://x.example/role":"app_admin"},"evil":"authenticator; drop table x","n":5,"o":{}})",
          claims)
          .ok());
  const std::vector<std::string> allowed = {"app_user", "app_admin"};
  std::string role;
  REQUIRE(role_from_claims(claims, "role", allowed, role).ok());
  CHECK(role == "app_user");
  // The first array element in the allowlist, in the token's order.
  REQUIRE(role_from_claims(claims, "realm_access.roles", allowed, role).ok());
  CHECK(role == "app_admin");
  // Dotted paths are nested lookups only; a literal dot inside a key is escaped.
  REQUIRE(role_from_claims(claims, "https://example\\.com/roles", allowed, role).ok());
  CHECK(role == "app_user");
  REQUIRE(role_from_claims(claims, "app.https://x\\.example/role", allowed, role).ok());
  CHECK(role == "app_admin");
  const std::vector<std::string> nested_allowed = {"nested"};
  REQUIRE(role_from_claims(claims, "https://example\\.com.role", nested_allowed, role).ok());
  CHECK(role == "nested");
  // Unescaped, the same paths are nested lookups that find nothing.
  CHECK(role_from_claims(claims, "https://example.com/roles", allowed, role).code() == ErrorCode::jwt_claim);
  CHECK(role_from_claims(claims, "https://example.com.role", nested_allowed, role).code() == ErrorCode::jwt_claim);
  // The report's case: a literal key "app_metadata.role" must not beat the nested app_metadata.role.
  Claims ambiguous;
  REQUIRE(Claims::parse(R"({"app_metadata.role":"app_admin","app_metadata":{"role":"app_user"}})", ambiguous).ok());
  REQUIRE(role_from_claims(ambiguous, "app_metadata.role", allowed, role).ok());
  CHECK(role == "app_user");
  REQUIRE(role_from_claims(ambiguous, "app_metadata\\.role", allowed, role).ok());
  CHECK(role == "app_admin");
  for (const char* bad : {"a..b", ".a", "a.", "a\\", "a\\x"}) {
    CHECK_MESSAGE(role_from_claims(claims, bad, allowed, role).code() == ErrorCode::invalid_argument, bad);
  }

  role = "unchanged";
  const std::vector<std::string> pg_only = {"app_user"};
  const auto pg = role_from_claims(claims, "realm_access.roles", {"readonly"}, role);
  CHECK(pg.code() == ErrorCode::jwt_role_not_allowed);
  CHECK(std::string(pg.name()) == "ERR_JWT_ROLE_NOT_ALLOWED");
  CHECK(pg.message().find("postgres") == std::string::npos);
  CHECK(role == "unchanged");

  Claims pg_claims;
  REQUIRE(Claims::parse(R"({"role":"postgres"})", pg_claims).ok());
  CHECK(role_from_claims(pg_claims, "role", allowed, role).code() == ErrorCode::jwt_role_not_allowed);
  const auto evil = role_from_claims(claims, "evil", allowed, role);
  CHECK(evil.code() == ErrorCode::jwt_role_not_allowed);
  CHECK(evil.message().find("drop table") == std::string::npos);
  // A prefix of an allowed role is not that role.
  Claims prefix;
  REQUIRE(Claims::parse(R"({"role":"app_user2","roles":["App_User","app_use",""]})", prefix).ok());
  CHECK(role_from_claims(prefix, "role", allowed, role).code() == ErrorCode::jwt_role_not_allowed);
  CHECK(role_from_claims(prefix, "roles", allowed, role).code() == ErrorCode::jwt_role_not_allowed);

  CHECK(role_from_claims(claims, "missing", allowed, role).code() == ErrorCode::jwt_claim);
  CHECK(role_from_claims(claims, "realm_access.missing", allowed, role).code() == ErrorCode::jwt_claim);
  CHECK(role_from_claims(claims, "n", allowed, role).code() == ErrorCode::jwt_claim);
  CHECK(role_from_claims(claims, "o", allowed, role).code() == ErrorCode::jwt_claim);
  CHECK(role_from_claims(claims, "", allowed, role).code() == ErrorCode::invalid_argument);
  CHECK(role_from_claims(claims, "role", {}, role).code() == ErrorCode::invalid_argument);
  CHECK(role_from_claims(claims, std::string(2000, 'a'), allowed, role).code() == ErrorCode::invalid_argument);
  CHECK(role == "unchanged");
}

TEST_CASE("Role mapping: from the JSON text of verified claims") {
  Claims claims;
  REQUIRE(verify_jwt(jwt_vectors::kES256Token, load_jwks(), all_asymmetric(), kNow, claims).ok());
  std::string role;
  REQUIRE(role_from_claims_json(claims.json(), "realm_access.roles", {"app_user"}, role).ok());
  CHECK(role == "app_user");
  CHECK(role_from_claims_json("not json", "role", {"app_user"}, role).code() == ErrorCode::jwt_malformed);
  CHECK(role_from_claims_json("[]", "role", {"app_user"}, role).code() == ErrorCode::jwt_malformed);
}

TEST_CASE("Role mapping: a pathological path and claims stay bounded") {
  // Keys "a", "a.a", "a.a.a" ... at every level would make naive backtracking exponential.
  std::string json = "{";
  for (int i = 0; i < 8; ++i) {
    std::string key = "a";
    for (int k = 0; k < i; ++k) key += ".a";
    json += (i ? "," : "") + std::string("\"") + key + "\":{\"a\":{\"a\":{\"a\":{}}}}";
  }
  json += "}";
  Claims claims;
  REQUIRE(Claims::parse(json, claims).ok());
  std::string path = "a";
  for (int i = 0; i < 40; ++i) path += ".a";
  path += ".role";
  std::string role;
  CHECK(role_from_claims(claims, path, {"x"}, role).code() == ErrorCode::jwt_claim);
}
