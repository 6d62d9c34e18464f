// libFuzzer target: JWT and JWK/JWKS parsing. parse_jwks / parse_jwk on arbitrary documents; verify_jwt with junk
// tokens against a real key set; tokens whose header and payload are arbitrary JSON but correctly HS256-signed (so
// the fuzzer gets past the signature into header checks, claim checks and role mapping); Claims::parse directly.
// Messages must never carry the token's signature, the secret or a claim value the fuzzer planted.
#include <string>
#include <string_view>
#include <vector>

#include "../unit/jwt_test_vectors.hpp"
#include "crypto/crypto.hpp"
#include "edgepg/jwt/claims.hpp"
#include "edgepg/jwt/jwk.hpp"
#include "edgepg/jwt/jwt.hpp"
#include "fuzz_util.hpp"
#include "util/base64url.hpp"

using namespace edgepg;
using namespace edgepg::jwt;

namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef-fuzz";
constexpr std::string_view kPlanted = "PLANTED-claim-value-7x";  // a claim value that must never show in a message

const JwkSet& keys() {
  static const JwkSet set = [] {
    JwkSet s;
    if (!parse_jwks(jwt_vectors::kJwks, s).ok()) fuzz::broken("the test JWKS does not parse");
    return s;
  }();
  return set;
}

bool contains(std::string_view hay, std::string_view needle) {
  return !needle.empty() && hay.find(needle) != std::string_view::npos;
}

void check_message(const JwtStatus& s, std::string_view input, std::string_view signature) {
  if (s.ok()) return;
  EDGEPG_FUZZ_CHECK(!s.message().empty());
  EDGEPG_FUZZ_CHECK(std::string_view(s.name()) != "unknown");
  EDGEPG_FUZZ_CHECK(!contains(s.message(), kSecret));
  if (signature.size() >= 16) EDGEPG_FUZZ_CHECK(!contains(s.message(), signature));
  // The planted value may only appear when the input spelled it (e.g. as a claim *name*, which messages may say).
  if (contains(s.message(), kPlanted)) EDGEPG_FUZZ_CHECK(contains(input, std::string(kPlanted) + "\""));
}

ClaimsPolicy policy(FuzzedDataProvider& fdp) {
  ClaimsPolicy p;
  p.clock_tolerance = fdp.ConsumeIntegralInRange<std::int64_t>(-1, 120);
  if (fdp.ConsumeBool()) p.issuer = {"https://issuer.example"};
  if (fdp.ConsumeBool()) p.audience = {"api", fdp.ConsumeRandomLengthString(8)};
  if (fdp.ConsumeBool()) p.max_token_age = fdp.ConsumeIntegralInRange<std::int64_t>(-1, 1'000'000);
  if (fdp.ConsumeBool()) p.required_claims = {"sub", fdp.ConsumeRandomLengthString(8)};
  return p;
}

void roles(const Claims& claims, const std::string& path) {
  const std::vector<std::string> allowed = {"app_user", "viewer", std::string(kPlanted)};
  std::string role;
  const JwtStatus s = role_from_claims(claims, path, allowed, role);
  if (s.ok()) {
    EDGEPG_FUZZ_CHECK(!role.empty());
    EDGEPG_FUZZ_CHECK(role == "app_user" || role == "viewer" || role == kPlanted);
  }
  std::string role2;
  const JwtStatus s2 = role_from_claims_json(claims.json(), path, allowed, role2);
  EDGEPG_FUZZ_CHECK(s.code() == s2.code() && role == role2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: {  // a key set or a single key
      const fuzz::ExactText doc(fdp.ConsumeRemainingBytesAsString());
      JwkSet set;
      if (parse_jwks(doc.view(), set).ok()) {
        EDGEPG_FUZZ_CHECK(set.usable_count() >= 1 && set.usable_count() <= set.keys().size());
        EDGEPG_FUZZ_CHECK(set.keys().size() <= jwks_max_keys);
        for (const auto& k : set.keys()) EDGEPG_FUZZ_CHECK(k.usable || !k.unusable_reason.empty());
      }
      JwkSet one;
      if (parse_jwk(doc.view(), one).ok()) EDGEPG_FUZZ_CHECK(one.keys().size() == 1 && one.usable_count() == 1);
      break;
    }
    case 1: {  // a junk token against real keys
      VerifyOptions opt;
      opt.algorithms = {"RS256", "ES256", "EdDSA", "PS256"};
      opt.claims = policy(fdp);
      const std::int64_t now = fdp.ConsumeIntegral<std::int64_t>();
      const fuzz::ExactText token(fdp.ConsumeRemainingBytesAsString());
      Claims claims;
      JwsHeader header;
      const JwtStatus s = verify_jwt(token.view(), keys(), opt, now, claims, &header);
      const auto dot = token.view().rfind('.');
      check_message(s, input, dot == std::string_view::npos ? std::string_view{} : token.view().substr(dot + 1));
      std::string payload;
      (void)verify_jws(token.view(), keys(), opt, payload);
      (void)verify_jwt_hmac(token.view(), fuzz::bytes_of(kSecret), opt, now, claims);
      break;
    }
    case 2: {  // arbitrary JSON, signed correctly with HS256
      const std::string header_json = fdp.ConsumeBool() ? std::string(R"({"alg":"HS256","typ":"JWT"})")
                                                        : fdp.ConsumeRandomLengthString(96);
      VerifyOptions opt;
      if (fdp.ConsumeBool()) opt.algorithms = {"HS256"};
      opt.claims = policy(fdp);
      const std::int64_t now = fdp.ConsumeIntegralInRange<std::int64_t>(0, 4'000'000'000);
      const std::string path = fdp.ConsumeRandomLengthString(40);
      const std::string payload_json = fdp.ConsumeRemainingBytesAsString();
      const std::string signing_input = util::base64url_encode(fuzz::bytes_of(header_json)) + "." +
                                        util::base64url_encode(fuzz::bytes_of(payload_json));
      const auto mac = crypto::hmac_sha256(fuzz::bytes_of(kSecret), crypto::bytes_of(signing_input));
      const std::string signature = util::base64url_encode(mac);
      const fuzz::ExactText token(signing_input + "." + signature);
      Claims claims;
      JwsHeader header;
      const JwtStatus s = verify_jwt_hmac(token.view(), fuzz::bytes_of(kSecret), opt, now, claims, &header);
      check_message(s, input, signature);
      if (s.ok()) {
        EDGEPG_FUZZ_CHECK(header.alg == JwsAlg::HS256);
        EDGEPG_FUZZ_CHECK(claims.json() == payload_json);
        (void)claims.sub();
        (void)claims.exp();
        (void)claims.numeric_date("iat");
        roles(claims, path);
      } else {
        EDGEPG_FUZZ_CHECK(s.code() != JwtErrc::signature);  // it is signed correctly
      }
      // The same token with its signature's last character changed never verifies.
      std::string tampered(token.view());
      tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
      Claims other;
      EDGEPG_FUZZ_CHECK(!verify_jwt_hmac(tampered, fuzz::bytes_of(kSecret), opt, now, other).ok());
      break;
    }
    default: {  // claims JSON directly
      const ClaimsPolicy p = policy(fdp);
      const std::int64_t now = fdp.ConsumeIntegral<std::int64_t>();
      const std::string path = fdp.ConsumeRandomLengthString(40);
      const fuzz::ExactText json(fdp.ConsumeRemainingBytesAsString());
      Claims claims;
      if (Claims::parse(json.view(), claims).ok()) {
        EDGEPG_FUZZ_CHECK(claims.json() == json.view());
        const JwtStatus s = check_claims(claims, p, now);
        check_message(s, input, {});
        roles(claims, path);
      }
      break;
    }
  }
  return 0;
}
