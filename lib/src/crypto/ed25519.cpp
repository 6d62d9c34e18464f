// Ed25519 verification with per-key precomputation (see ed25519.hpp). VARIABLE-TIME by design: every input is
// public. Compiled when the CMake option EDGEPG_FAST_ED25519 is on (every build by default).
//
// Layout. Sections 1-6 are header-only, shared with the unit tests' signer (ed25519_field.hpp says why):
//   1. ed25519_field.hpp: the field GF(p), p = 2^255 - 19: natively 5 limbs of 51 bits with 64x64->128-bit products
//      (radix 2^51, as in curve25519-donna-c64 and OpenSSL's fe51), in wasm 10 limbs of 25.5 bits with 64-bit
//      products (ref10's radix), values kept loosely reduced and made canonical only to encode or compare.
//   2. ed25519_scalar.hpp: scalars mod L = 2^252 + 27742317777372353535851937790883648493: range check of s, and
//      reduction of the 512-bit hash by folding with 2^252 = -c (mod L).
//   3. ed25519_point.hpp: points of the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 in extended coordinates
//      (Hisil-Wong-Carter-Dawson 2008): the Explicit-Formulas Database (EFD) formulas are named at each function.
//      With a = -1 and d not a square these additions are complete: no special cases for doubling, the identity or
//      P + (-P).
//   4. ed25519_point.hpp: decoding exactly as OpenSSL's ge_frombytes_vartime, encoding as its ge_tobytes.
//   5. ed25519_point.hpp: tables of odd multiples in affine "Niels" form (y+x, y-x, 2d*x*y) after one batched
//      inversion: one static pair for B and 2^127*B, one pair per prepared key for -A and 2^127*(-A).
//   6. ed25519_point.hpp: [s]B + [k](-A) as one interleaved width-w NAF chain (Straus/Shamir) over four ~127-bit
//      scalars: s and k are each split as lo + 2^127*hi, so the chain has ~127 doublings instead of ~253.
//   7. This file: the public API, prepare() and verify(). (The test signer is tests/unit/support/ed25519_signer.cpp.)
#include "crypto/ed25519.hpp"

#include <cstring>

#include "crypto/crypto.hpp"
#include "crypto/ed25519_point.hpp"

namespace edgepg::crypto::ed25519 {

// ---------------------------------------------------------------------------------------------------------------
// 7. The API
// ---------------------------------------------------------------------------------------------------------------

class PreparedKey : public KeyTables {};

std::shared_ptr<const PreparedKey> prepare(const std::uint8_t public_key[32]) {
  P3 a{};
  if (!decode_point(public_key, a)) return nullptr;
  auto key = std::make_shared<PreparedKey>();
  std::memcpy(key->encoded, public_key, 32);
  build_tables(negate(a), key->tables);
  return key;
}

// OpenSSL 3.0's ossl_ed25519_verify (crypto/ec/curve25519.c), rule by rule:
//   1. s = signature[32..64) must be < L as a little-endian integer (OpenSSL compares byte 31 with 0x10, then the
//      rest with L's low bytes); this also rejects any of the top 3 bits set. s + L is NOT accepted.
//   2. The key must decode under ge_frombytes_vartime's rules (done once, in prepare()).
//   3. k = SHA-512(R || A || M) mod L, with R = signature[0..32) and A the key's 32 bytes exactly as given.
//   4. R' = [s]B + [k](-A), encoded canonically (ge_tobytes), must equal R's 32 bytes. This is the cofactorless
//      equation, and a non-canonical R (y >= p, or x = 0 with the sign bit set) can never match; R is not decoded,
//      so R of small order is fine as long as the equation holds.
bool verify(const PreparedKey& key, const std::uint8_t* message, std::size_t message_len,
            const std::uint8_t signature[64]) noexcept {
  const u8* r = signature;
  const Scalar s = scalar_from_bytes(signature + 32);
  if (!scalar_less(s, kL)) return false;
  const Digest512 h = sha512({ByteView(r, 32), ByteView(key.encoded, 32), ByteView(message, message_len)});
  const Scalar k = reduce_hash(h);
  u8 check[32];
  encode_point(check, double_scalar_mul(s, k, &key.tables));
  return std::memcmp(check, r, 32) == 0;  // public values: no need for a constant-time comparison
}

}  // namespace edgepg::crypto::ed25519
