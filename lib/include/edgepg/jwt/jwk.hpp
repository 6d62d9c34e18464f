// JSON Web Keys (RFC 7517) and JWK Sets for verifying tokens: RSA (n, e), EC P-256/P-384/P-521 (crv, x, y) and
// OKP Ed25519 (crv, x). Keys are parsed and built once; a JwkSet is immutable and cheap to copy, so a caller can
// cache it and verify many tokens with it.
//
//   JwkSet keys;
//   if (auto s = parse_jwks(jwks_json, keys); !s) ...      // ERR_JWKS_INVALID: the document cannot be used
//   verify_jwt(token, keys, options, now, claims);          // see jwt.hpp
//
// A key that cannot verify signatures does not fail the whole set (an issuer's JWKS may also list encryption keys
// or algorithms this verifier does not implement): it is kept, marked unusable with a reason, and never selected.
// A key is unusable when
//   - kty is missing, not a string, unknown, or "oct" (secrets are never taken from a key set: use verify_jwt_hmac),
//   - use is present and is not "sig", or key_ops is present and lacks "verify",
//   - alg is present and is not a JWS algorithm of this key's type (RSA: RS*/PS*, EC: the ES* of its curve,
//     OKP Ed25519: EdDSA); when alg is present the key verifies that algorithm only,
//   - its members are missing, of the wrong type, not strict base64url, or not a valid key (an EC point off its
//     curve, coordinates not of the curve's exact size, an Ed25519 key not 32 bytes),
//   - it is an RSA key under 2048 bits (or over 16384), or an EC/OKP curve other than P-256/384/521 and Ed25519.
// Private members (d, p, q, ...) are ignored: only public parts are read.
//
// Errors of parse_jwks: ERR_JWKS_INVALID when the document is over jwks_max_bytes, is not JSON, nests deeper than
// 32 levels, repeats a member name, is not an object with a "keys" array, holds more than jwks_max_keys keys, or
// holds no usable key at all (the message gives the first key's reason). parse_jwk: ERR_JWKS_INVALID when the
// document is not one usable key (with the reason).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/jwt/jws_alg.hpp"
#include "edgepg/status.hpp"

namespace edgepg::jwt {

inline constexpr std::size_t jwks_max_bytes = 64 * 1024;
inline constexpr std::size_t jwks_max_keys = 100;
inline constexpr int rsa_min_bits = 2048;

// What a parsed key is, for logs, tests and key selection. Holds no key material.
struct JwkInfo {
  std::string kty;  // "RSA", "EC", "OKP", or whatever the document said
  std::string crv;  // "P-256", "P-384", "P-521", "Ed25519" (EC/OKP); empty for RSA
  std::string kid;  // empty when absent
  std::string alg;  // empty when absent
  bool has_kid = false;
  int bits = 0;  // modulus size for RSA, curve size for EC, 253 for Ed25519; 0 when unusable before building
  bool usable = false;
  std::string unusable_reason;  // a sentence when !usable
};

namespace detail {
struct JwkSetAccess;
}

class JwkSet {
 public:
  JwkSet();
  // Every key of the document, in order, usable or not.
  [[nodiscard]] const std::vector<JwkInfo>& keys() const noexcept;
  [[nodiscard]] std::size_t usable_count() const noexcept;
  // Whether `other` is a copy of this set, the same parse (a document fetched or parsed again is another set even
  // when its text is equal): what was verified with one copy holds for every copy.
  [[nodiscard]] bool same_parse(const JwkSet& other) const noexcept { return impl_ == other.impl_; }

  struct Impl;  // defined in lib/src/jwt (holds the built keys); opaque to users

 private:
  friend struct detail::JwkSetAccess;
  std::shared_ptr<const Impl> impl_;
};

// A JWK Set document {"keys": [...]}. On error `out` is left unchanged.
Status parse_jwks(std::string_view json, JwkSet& out);
// A single JWK document, as a set of one key. On error `out` is left unchanged.
Status parse_jwk(std::string_view json, JwkSet& out);

}  // namespace edgepg::jwt
