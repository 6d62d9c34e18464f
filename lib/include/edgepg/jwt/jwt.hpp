// JWS compact serialisation (RFC 7515 §7.1) verification and JWT (RFC 7519) validation.
//
//   JwkSet keys; parse_jwks(jwks_json, keys);                 // once; cache it
//   VerifyOptions opt; opt.algorithms = {"RS256"}; opt.claims.issuer = {"https://issuer"}; opt.claims.audience =
//   {"api"}; Claims claims; if (auto s = verify_jwt(token, keys, opt, now_seconds, claims); !s) ...   // s.name():
//   "ERR_JWT_EXPIRED", ... claims.json(); claims.sub(); role_from_claims(claims, "realm_access.roles", {"app_user",
//   "app_admin"}, role);
//
// Steps, in this order (the first failure is returned):
//   1. token over max_token_bytes: ERR_JWT_MALFORMED before anything is parsed;
//   2. not three non-empty base64url parts (strict: no padding, no other character, canonical trailing bits), five
//      parts (JWE is not supported): ERR_JWT_MALFORMED;
//   3. header: a JSON object (32 levels at most, no repeated member names) with a string "alg"; "crit" present (no
//      extension is implemented) or "kid" not a string: ERR_JWT_MALFORMED;
//   4. alg "none" (always), an unknown alg, or one outside options.algorithms: ERR_JWT_ALG;
//   5. the key: by kid if the header has one, else the single usable key that fits alg (see below);
//   6. the signature over the first two parts as sent: ERR_JWT_SIGNATURE when it does not verify;
//   7. (verify_jwt) the payload: a JSON object, else ERR_JWT_MALFORMED; then check_claims (claims.hpp).
// Header parameters that point at keys (jku, jwk, x5u, x5c) are ignored: keys come only from the caller.
//
// Key selection with a JwkSet (asymmetric keys only; an "oct" key is never in a set):
//   - options.algorithms must be non-empty and hold only registered names: else EINVAL (an allowlist is required);
//   - the token has a kid: no key has it, ERR_JWKS_NO_KEY (refetch the JWKS: the issuer may have rotated keys);
//     keys with it exist but none is usable, ERR_JWKS_NO_KEY with the reason; a usable one exists but its type or
//     its own alg cannot verify the token's alg (an RSA key for HS256, an EC key for RS256, a P-256 key for ES384),
//     ERR_JWT_ALG;
//   - the token has no kid: exactly one usable key fits alg, it is used; none or several, ERR_JWKS_NO_KEY.
// With an HMAC secret: options.algorithms may be empty (then HS256, HS384 and HS512 are allowed); a token whose alg
// is not HS* is ERR_JWT_ALG; a secret shorter than the hash (32/48/64 bytes, RFC 7518 §3.2) is ERR_JWT_ALG for that
// alg; an empty secret is EINVAL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/jwt/claims.hpp"
#include "edgepg/jwt/jwk.hpp"
#include "edgepg/jwt/jws_alg.hpp"
#include "edgepg/status.hpp"

namespace edgepg::jwt {

inline constexpr std::size_t jwt_max_token_bytes = 16 * 1024;

struct VerifyOptions {
  std::vector<std::string> algorithms;  // the allowlist, e.g. {"RS256"}; required with a JwkSet
  ClaimsPolicy claims;
  std::size_t max_token_bytes = jwt_max_token_bytes;  // also bounds the size of every decoded JSON part
};

// What the protected header said, for logs and for choosing to refetch a JWKS.
struct JwsHeader {
  JwsAlg alg = JwsAlg::HS256;
  std::string kid;
  bool has_kid = false;
};

// Steps 1-6: the signature only. On success `payload` holds the decoded payload bytes (any content, RFC 7515).
Status verify_jws(std::string_view token, const JwkSet& keys, const VerifyOptions& options, std::string& payload,
                  JwsHeader* header = nullptr);
Status verify_jws_hmac(std::string_view token, std::span<const std::uint8_t> secret, const VerifyOptions& options,
                       std::string& payload, JwsHeader* header = nullptr);

// Steps 1-7: a verified JWT with checked claims. On error `claims` is left unchanged.
Status verify_jwt(std::string_view token, const JwkSet& keys, const VerifyOptions& options, std::int64_t now,
                  Claims& claims, JwsHeader* header = nullptr);
Status verify_jwt_hmac(std::string_view token, std::span<const std::uint8_t> secret, const VerifyOptions& options,
                       std::int64_t now, Claims& claims, JwsHeader* header = nullptr);

}  // namespace edgepg::jwt
