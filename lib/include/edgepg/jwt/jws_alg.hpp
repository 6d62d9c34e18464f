// The JWS algorithms this verifier implements (RFC 7518 §3.1, RFC 8037 §3.1). "none" is not one of them: an
// unsigned token is always refused.
#pragma once

#include <optional>
#include <string_view>

namespace edgepg::jwt {

enum class JwsAlg { HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA };

// The family decides which keys may verify an alg: an HMAC secret only HS*, an RSA key only RS*/PS*, an EC key
// only the ES* of its curve, an Ed25519 key only EdDSA.
enum class AlgFamily { hmac, rsa, ec, okp };

constexpr const char* jws_alg_name(JwsAlg a) noexcept {
  switch (a) {
    case JwsAlg::HS256:
      return "HS256";
    case JwsAlg::HS384:
      return "HS384";
    case JwsAlg::HS512:
      return "HS512";
    case JwsAlg::RS256:
      return "RS256";
    case JwsAlg::RS384:
      return "RS384";
    case JwsAlg::RS512:
      return "RS512";
    case JwsAlg::PS256:
      return "PS256";
    case JwsAlg::PS384:
      return "PS384";
    case JwsAlg::PS512:
      return "PS512";
    case JwsAlg::ES256:
      return "ES256";
    case JwsAlg::ES384:
      return "ES384";
    case JwsAlg::ES512:
      return "ES512";
    case JwsAlg::EdDSA:
      return "EdDSA";
  }
  return "unknown";
}

// Exact, case-sensitive match of a registered name (RFC 7515 §4.1.1); nullopt for anything else, "none" included.
constexpr std::optional<JwsAlg> parse_jws_alg(std::string_view name) noexcept {
  constexpr JwsAlg all[] = {JwsAlg::HS256, JwsAlg::HS384, JwsAlg::HS512, JwsAlg::RS256, JwsAlg::RS384,
                            JwsAlg::RS512, JwsAlg::PS256, JwsAlg::PS384, JwsAlg::PS512, JwsAlg::ES256,
                            JwsAlg::ES384, JwsAlg::ES512, JwsAlg::EdDSA};
  for (const JwsAlg a : all) {
    if (name == jws_alg_name(a)) return a;
  }
  return std::nullopt;
}

constexpr AlgFamily jws_alg_family(JwsAlg a) noexcept {
  switch (a) {
    case JwsAlg::HS256:
    case JwsAlg::HS384:
    case JwsAlg::HS512:
      return AlgFamily::hmac;
    case JwsAlg::RS256:
    case JwsAlg::RS384:
    case JwsAlg::RS512:
    case JwsAlg::PS256:
    case JwsAlg::PS384:
    case JwsAlg::PS512:
      return AlgFamily::rsa;
    case JwsAlg::ES256:
    case JwsAlg::ES384:
    case JwsAlg::ES512:
      return AlgFamily::ec;
    case JwsAlg::EdDSA:
      return AlgFamily::okp;
  }
  return AlgFamily::hmac;
}

}  // namespace edgepg::jwt
