// libFuzzer target: JWT and JWK/JWKS parsing. parse_jwks / parse_jwk on arbitrary documents; verify_jwt with junk
// tokens against a real key set; tokens whose header and payload are arbitrary JSON but correctly HS256-signed (so
// the fuzzer gets past the signature into header checks, claim checks and role mapping); Claims::parse directly.
//
// Secret-leak oracle (fuzz_util.hpp): no message may hold a secret the harness planted and the input does not
// spell: the HMAC secret, a signature (the HS256 one the harness computed, or a random one it appended to a junk
// token), a JSON value the harness put where the fuzzer wrote "@" (a claim value, a header value, a JWK's private
// member). Never the token's own text: a message template can hold any text by chance (issue #19).
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
namespace planted = edgepg::fuzz::planted;

namespace {

const JwkSet& keys() {
  static const JwkSet set = [] {
    JwkSet s;
    if (!parse_jwks(jwt_vectors::kJwks, s).ok()) fuzz::broken("the test JWKS does not parse");
    return s;
  }();
  return set;
}

const std::vector<std::string>& allowed_roles() {
  static const std::vector<std::string> roles = {"app_user", "viewer"};
  return roles;
}

// Every failure has a documented code and a message that leaks none of the planted secrets (plus `extra`, a
// secret of this input: the HS256 signature the harness computed).
void check_message(const Status& s, std::string_view input, const fuzz::Secret* extra = nullptr) {
  if (s.ok()) return;
  EDGEPG_FUZZ_CHECK(!s.message().empty());
  EDGEPG_FUZZ_CHECK(std::string_view(s.name()) != "unknown");
  static const fuzz::Secret any{&planted::hmac_secret(), &planted::signature64(), &planted::signature256(),
                                &planted::json_value(), &planted::jwk_key()};
  fuzz::check_no_leak(s.message(), input,
                      {{"HMAC secret", &planted::hmac_secret()},
                       {"64-byte signature", &planted::signature64()},
                       {"256-byte signature", &planted::signature256()},
                       {"JSON value", &planted::json_value()},
                       {"JWK private key", &planted::jwk_key()}},
                      &any);
  if (extra != nullptr) fuzz::check_no_leak(s.message(), input, {{"computed HS256 signature", extra}});
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

void roles(const Claims& claims, const std::string& path, std::string_view input) {
  std::string role;
  const Status s = role_from_claims(claims, path, allowed_roles(), role);
  if (s.ok()) {
    EDGEPG_FUZZ_CHECK(role == "app_user" || role == "viewer");
  }
  check_message(s, input);
  std::string role2;
  const Status s2 = role_from_claims_json(claims.json(), path, allowed_roles(), role2);
  EDGEPG_FUZZ_CHECK(s.code() == s2.code() && role == role2);
  check_message(s2, input);
}

// The private members of a JWK (RFC 7518 §6.2.2, §6.3.2, §6.4.1): a planted value there is a secret.
std::string plant_jwk(std::string_view doc) {
  return fuzz::plant(doc, planted::jwk_key(), {"k", "d", "p", "q", "dp", "dq", "qi"});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: {  // a key set or a single key
      const fuzz::ExactText doc(plant_jwk(fdp.ConsumeRemainingBytesAsString()));
      JwkSet set;
      const Status s = parse_jwks(doc.view(), set);
      check_message(s, input);
      if (s.ok()) {
        EDGEPG_FUZZ_CHECK(set.usable_count() >= 1 && set.usable_count() <= set.keys().size());
        EDGEPG_FUZZ_CHECK(set.keys().size() <= jwks_max_keys);
        for (const auto& k : set.keys()) {
          EDGEPG_FUZZ_CHECK(k.usable || !k.unusable_reason.empty());
          if (!k.usable) check_message(Status(ErrorCode::jwks_invalid, k.unusable_reason), input);
        }
      }
      JwkSet one;
      const Status s1 = parse_jwk(doc.view(), one);
      check_message(s1, input);
      if (s1.ok()) EDGEPG_FUZZ_CHECK(one.keys().size() == 1 && one.usable_count() == 1);
      break;
    }
    case 1: {  // a junk token against real keys, as the fuzzer wrote it or with a planted signature appended
      VerifyOptions opt;
      opt.algorithms = {"RS256", "ES256", "EdDSA", "PS256"};
      opt.claims = policy(fdp);
      const std::int64_t now = fdp.ConsumeIntegral<std::int64_t>();
      const int signature = fdp.ConsumeIntegralInRange<int>(0, 2);  // 0 none, 1 64 bytes, 2 256 bytes
      std::string text = fdp.ConsumeRemainingBytesAsString();
      if (signature != 0) {
        text += '.';
        text += (signature == 1 ? planted::signature64() : planted::signature256()).text();
      }
      const fuzz::ExactText token(text);
      Claims claims;
      JwsHeader header;
      check_message(verify_jwt(token.view(), keys(), opt, now, claims, &header), input);
      std::string payload;
      check_message(verify_jws(token.view(), keys(), opt, payload), input);
      check_message(verify_jwt_hmac(token.view(), fuzz::bytes_of(planted::hmac_secret().raw()), opt, now, claims),
                    input);
      break;
    }
    case 2: {  // arbitrary JSON, signed correctly with HS256
      const std::string header_json = fdp.ConsumeBool()
                                          ? std::string(R"({"alg":"HS256","typ":"JWT"})")
                                          : fuzz::plant(fdp.ConsumeRandomLengthString(96), planted::json_value());
      VerifyOptions opt;
      if (fdp.ConsumeBool()) opt.algorithms = {"HS256"};
      opt.claims = policy(fdp);
      const std::int64_t now = fdp.ConsumeIntegralInRange<std::int64_t>(0, 4'000'000'000);
      const std::string path = fdp.ConsumeRandomLengthString(40);
      const std::string payload_json = fuzz::plant(fdp.ConsumeRemainingBytesAsString(), planted::json_value());
      const std::string signing_input = util::base64url_encode(fuzz::bytes_of(header_json)) + "." +
                                        util::base64url_encode(fuzz::bytes_of(payload_json));
      const auto secret = fuzz::bytes_of(planted::hmac_secret().raw());
      const auto mac = crypto::hmac_sha256(secret, crypto::bytes_of(signing_input));
      const std::string signature = util::base64url_encode(mac);
      const fuzz::ExactText token(signing_input + "." + signature);
      Claims claims;
      JwsHeader header;
      const Status s = verify_jwt_hmac(token.view(), secret, opt, now, claims, &header);
      const fuzz::Secret computed(fuzz::text_of(mac), signature);
      check_message(s, input, &computed);
      if (s.ok()) {
        EDGEPG_FUZZ_CHECK(header.alg == JwsAlg::HS256);
        EDGEPG_FUZZ_CHECK(claims.json() == payload_json);
        (void)claims.sub();
        (void)claims.exp();
        (void)claims.numeric_date("iat");
        roles(claims, path, input);
      } else {
        EDGEPG_FUZZ_CHECK(s.code() != ErrorCode::jwt_signature);  // it is signed correctly
      }
      // The same token with its signature's last character changed never verifies.
      std::string tampered(token.view());
      tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
      Claims other;
      const Status t = verify_jwt_hmac(tampered, secret, opt, now, other);
      EDGEPG_FUZZ_CHECK(!t.ok());
      check_message(t, input, &computed);
      break;
    }
    default: {  // claims JSON directly
      const ClaimsPolicy p = policy(fdp);
      const std::int64_t now = fdp.ConsumeIntegral<std::int64_t>();
      const std::string path = fdp.ConsumeRandomLengthString(40);
      const fuzz::ExactText json(fuzz::plant(fdp.ConsumeRemainingBytesAsString(), planted::json_value()));
      Claims claims;
      const Status parsed = Claims::parse(json.view(), claims);
      check_message(parsed, input);
      if (parsed.ok()) {
        EDGEPG_FUZZ_CHECK(claims.json() == json.view());
        check_message(check_claims(claims, p, now), input);
        roles(claims, path, input);
      }
      break;
    }
  }
  return 0;
}
