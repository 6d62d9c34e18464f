// ECDSA P-256 verification in C++20 (see p256.hpp). VARIABLE-TIME by design: every input is public.
//
// Layout. Sections 1-5 are header-only, shared with the unit tests' signer (p256_field.hpp says why):
//   1. p256_field.hpp: 256-bit integers as 8 little-endian 32-bit limbs (parsing, range checks, scalars).
//   2. p256_field.hpp: the field GF(p) behind one small interface (Fe, fe_add, fe_sub, fe_neg, fe_half, fe_mul,
//      fe_sqr, conversions, equality), in one of two layouts:
//        EDGEPG_P256_LIMB64 (native): 4 x 64-bit limbs with 128-bit products, Montgomery form; p = -1 mod 2^64
//          makes each reduction step one multiplication plus shifted additions.
//        otherwise (wasm32): 8 x 32-bit limbs with 64-bit products (wasm32 has 32x32->64, not 64x64->128),
//          schoolbook columns reduced with the NIST/Solinas fast reduction (FIPS 186-4 §D.2.3).
//      Elements are kept fully reduced (canonical, in [0, p)), so equality and zero tests are limb comparisons.
//   3. p256_scalar.hpp: scalars mod n: Montgomery multiplication (CIOS) and a binary extended Euclid inverse on
//      64-bit words.
//   4. p256_point.hpp: points in Jacobian coordinates (x = X/Z^2, y = Y/Z^3; Z = 0 is the point at infinity) with
//      the Explicit-Formulas Database (EFD) formulas named at each function.
//   5. p256_point.hpp: tables of affine odd multiples of P and 2^128*P (static for G, per prepared key for Q), and
//      u1*G + u2*Q by interleaved width-w NAF over the four 128-bit half-scalars: one chain of about 128 doublings.
//   6. This file: the ECDSA check and the API.
#include "crypto/p256.hpp"

#include <cstdint>
#include <memory>

#include "crypto/p256_point.hpp"

namespace edgepg::crypto::p256 {
namespace {

// The ECDSA check once the key is prepared (see verify in p256.hpp).
bool verify_with_tables(const Tables<kWindowQ>& q, const std::uint8_t digest[32], const std::uint8_t r_bytes[32],
                        const std::uint8_t s_bytes[32]) noexcept {
  const U256 r = load_be(r_bytes);
  const U256 s = load_be(s_bytes);
  if (!sc_in_range(r) || !sc_in_range(s)) return false;

  const U256 e = sc_reduce_once(load_be(digest));  // a 256-bit digest may exceed n
  const U256 w = sc_inv(s);
  const U256 u1 = sc_mul(e, w);
  const U256 u2 = sc_mul(r, w);
  const Jacobian big_r = mul_double(u1, u2, &q);
  if (is_infinity(big_r)) return false;

  // x(R) = X/Z^2 is in [0, p) and p < 2n, so x(R) mod n == r exactly when x(R) is r, or r + n if that is < p.
  // Compare r*Z^2 with X instead of inverting Z.
  const Fe zz = fe_sqr(big_r.z);
  if (fe_equal(fe_mul(fe_from_u256(r), zz), big_r.x)) return true;  // r < n < p is a valid field element
  U256 r_plus_n;
  if (add_raw(r_plus_n, r, kN) != 0 || geq(r_plus_n, kP)) return false;
  return fe_equal(fe_mul(fe_from_u256(r_plus_n), zz), big_r.x);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// 6. The API
// ---------------------------------------------------------------------------------------------------------------

class PreparedKey : public KeyTables {};

bool on_curve(const std::uint8_t x[32], const std::uint8_t y[32]) noexcept {
  Affine q;
  return decode_point(x, y, q);
}

std::shared_ptr<const PreparedKey> prepare(const std::uint8_t x[32], const std::uint8_t y[32]) {
  Affine q;
  if (!decode_point(x, y, q)) return nullptr;
  auto key = std::make_shared<PreparedKey>();
  build_tables(q, key->tables);
  return key;
}

bool verify(const PreparedKey& key, const std::uint8_t digest[32], const std::uint8_t r[32],
            const std::uint8_t s[32]) noexcept {
  return verify_with_tables(key.tables, digest, r, s);
}

bool verify(const std::uint8_t x[32], const std::uint8_t y[32], const std::uint8_t digest[32], const std::uint8_t r[32],
            const std::uint8_t s[32]) noexcept {
  // r and s first: a signature out of range is refused without building the key's tables.
  const U256 rr = load_be(r);
  const U256 ss = load_be(s);
  if (!sc_in_range(rr) || !sc_in_range(ss)) return false;
  Affine q;
  if (!decode_point(x, y, q)) return false;
  PreparedKey key;  // 4 KiB on the stack: no allocation, so this overload stays noexcept
  build_tables(q, key.tables);
  return verify_with_tables(key.tables, digest, r, s);
}

}  // namespace edgepg::crypto::p256

#undef EDGEPG_P256_UNROLL
#undef EDGEPG_P256_INLINE
