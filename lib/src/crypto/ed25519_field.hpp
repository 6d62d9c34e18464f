// Ed25519 arithmetic, part 1 of 3: the field GF(2^255 - 19) (section 1 of the layout in ed25519.cpp).
// Internal to the Ed25519 code: included by ed25519.cpp (verification, in the library) and by the unit tests' signer
// (tests/unit/support/ed25519_signer.cpp), nowhere else. Everything is in an anonymous namespace on purpose: each
// includer compiles its own copy, so no inline function is ever merged across translation units.
#pragma once

#include <cstdint>
#include <cstring>

namespace edgepg::crypto::ed25519 {
namespace {

using u8 = std::uint8_t;
using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128;  // __extension__: GCC/clang accept it under -Wpedantic

// Keeps the limb arithmetic in registers inside the point formulas.
#define EDGEPG_ED25519_INLINE [[gnu::always_inline]] inline
// Fully unrolls the fixed limb loops of the 32-bit layer, so the limbs live in registers (wasm locals).
#define EDGEPG_ED25519_UNROLL _Pragma("GCC unroll 16")

// ---------------------------------------------------------------------------------------------------------------
// 1. The field GF(2^255 - 19), behind one small interface shared by both layouts:
//      Fe, fe_small, fe_add, fe_sub, fe_carry, fe_mul, fe_sq, fe_canonical, fe_frombytes, fe_tobytes
//    and, on top of them, fe_neg, fe_sq_n, fe_is_zero, fe_is_negative, fe_invert, fe_pow22523 and the constants.
// ---------------------------------------------------------------------------------------------------------------

u64 load64_le(const u8* b) noexcept {
  u64 r = 0;
  for (int i = 7; i >= 0; --i) r = (r << 8) | b[i];
  return r;
}

[[maybe_unused]] void store64_le(u8* b, u64 x) noexcept {  // the 64-bit layer and the tests' signer
  for (int i = 0; i < 8; ++i) b[i] = static_cast<u8>(x >> (8 * i));
}

#ifdef EDGEPG_ED25519_LIMB64

// 1a. Native 64-bit builds: 5 limbs of 51 bits with 64x64->128-bit products.

// sum(v[i] * 2^(51 i)). "Normalised" below means every limb < 2^52 (what fe_mul, fe_sq, fe_sub and fe_carry
// return); fe_add of two normalised values gives limbs < 2^53, and fe_mul / fe_sq accept limbs up to 2^54.
struct Fe {
  u64 v[5];
};

constexpr u64 kMask51 = (u64{1} << 51) - 1;

constexpr Fe fe_small(u64 x) noexcept { return {{x, 0, 0, 0, 0}}; }
// Limbs as they are, no carry: inputs normalised (< 2^52) give limbs < 2^53.
EDGEPG_ED25519_INLINE constexpr Fe fe_add(const Fe& a, const Fe& b) noexcept {
  return {{a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3], a.v[4] + b.v[4]}};
}

// One carry pass: limbs < 2^63 in, limbs < 2^51 + 2^18 out (limb 0 takes 19 times the carry out of limb 4).
EDGEPG_ED25519_INLINE constexpr Fe fe_carry(Fe a) noexcept {
  a.v[1] += a.v[0] >> 51;
  a.v[0] &= kMask51;
  a.v[2] += a.v[1] >> 51;
  a.v[1] &= kMask51;
  a.v[3] += a.v[2] >> 51;
  a.v[2] &= kMask51;
  a.v[4] += a.v[3] >> 51;
  a.v[3] &= kMask51;
  a.v[0] += 19 * (a.v[4] >> 51);
  a.v[4] &= kMask51;
  return a;
}

// a - b as a + 16p - b, then one carry pass: b's limbs must be < 2^55 - 304 (16p's smallest limb), a's < 2^56.
EDGEPG_ED25519_INLINE constexpr Fe fe_sub(const Fe& a, const Fe& b) noexcept {
  constexpr u64 k16p0 = 16 * ((u64{1} << 51) - 19);
  constexpr u64 k16pi = 16 * ((u64{1} << 51) - 1);
  return fe_carry({{a.v[0] + k16p0 - b.v[0], a.v[1] + k16pi - b.v[1], a.v[2] + k16pi - b.v[2], a.v[3] + k16pi - b.v[3],
                    a.v[4] + k16pi - b.v[4]}});
}

// Carries five 128-bit column sums r[i] (weights 2^(51 i)) into normalised limbs; 2^255 = 19 (mod p) folds the
// carry out of the top column back into limb 0. With inputs < 2^54 every column is < 2^115, the top carry < 2^60,
// and 19 times it still fits in 64 bits.
EDGEPG_ED25519_INLINE constexpr Fe fe_carry_wide(u128 r0, u128 r1, u128 r2, u128 r3, u128 r4) noexcept {
  Fe h{};
  r1 += static_cast<u64>(r0 >> 51);
  h.v[0] = static_cast<u64>(r0) & kMask51;
  r2 += static_cast<u64>(r1 >> 51);
  h.v[1] = static_cast<u64>(r1) & kMask51;
  r3 += static_cast<u64>(r2 >> 51);
  h.v[2] = static_cast<u64>(r2) & kMask51;
  r4 += static_cast<u64>(r3 >> 51);
  h.v[3] = static_cast<u64>(r3) & kMask51;
  h.v[4] = static_cast<u64>(r4) & kMask51;
  h.v[0] += 19 * static_cast<u64>(r4 >> 51);
  h.v[1] += h.v[0] >> 51;
  h.v[0] &= kMask51;
  return h;
}

// a * b: schoolbook 5x5 with 2^255 = 19 (mod p), so a_i b_j with i + j >= 5 lands in column i + j - 5 times 19.
EDGEPG_ED25519_INLINE constexpr Fe fe_mul(const Fe& a, const Fe& b) noexcept {
  const u64 a0 = a.v[0], a1 = a.v[1], a2 = a.v[2], a3 = a.v[3], a4 = a.v[4];
  const u64 b0 = b.v[0], b1 = b.v[1], b2 = b.v[2], b3 = b.v[3], b4 = b.v[4];
  const u64 b1_19 = 19 * b1, b2_19 = 19 * b2, b3_19 = 19 * b3, b4_19 = 19 * b4;
  const u128 r0 = u128{a0} * b0 + u128{a1} * b4_19 + u128{a2} * b3_19 + u128{a3} * b2_19 + u128{a4} * b1_19;
  const u128 r1 = u128{a0} * b1 + u128{a1} * b0 + u128{a2} * b4_19 + u128{a3} * b3_19 + u128{a4} * b2_19;
  const u128 r2 = u128{a0} * b2 + u128{a1} * b1 + u128{a2} * b0 + u128{a3} * b4_19 + u128{a4} * b3_19;
  const u128 r3 = u128{a0} * b3 + u128{a1} * b2 + u128{a2} * b1 + u128{a3} * b0 + u128{a4} * b4_19;
  const u128 r4 = u128{a0} * b4 + u128{a1} * b3 + u128{a2} * b2 + u128{a3} * b1 + u128{a4} * b0;
  return fe_carry_wide(r0, r1, r2, r3, r4);
}

// a^2: the 10 cross products once, doubled (15 products instead of 25).
EDGEPG_ED25519_INLINE constexpr Fe fe_sq(const Fe& a) noexcept {
  const u64 a0 = a.v[0], a1 = a.v[1], a2 = a.v[2], a3 = a.v[3], a4 = a.v[4];
  const u64 a0_2 = 2 * a0, a1_2 = 2 * a1;
  const u64 a1_38 = 38 * a1, a2_38 = 38 * a2, a3_38 = 38 * a3, a3_19 = 19 * a3, a4_19 = 19 * a4;
  const u128 r0 = u128{a0} * a0 + u128{a1_38} * a4 + u128{a2_38} * a3;
  const u128 r1 = u128{a0_2} * a1 + u128{a2_38} * a4 + u128{a3_19} * a3;
  const u128 r2 = u128{a0_2} * a2 + u128{a1} * a1 + u128{a3_38} * a4;
  const u128 r3 = u128{a0_2} * a3 + u128{a1_2} * a2 + u128{a4_19} * a4;
  const u128 r4 = u128{a0_2} * a4 + u128{a1_2} * a3 + u128{a2} * a2;
  return fe_carry_wide(r0, r1, r2, r3, r4);
}

// The canonical representative in [0, p), limbs < 2^51. Two carry passes leave a value below 2p; then
// q = floor((a + 19) / 2^255) is 1 exactly when a >= p, and a - q*p = a + 19q - q*2^255.
constexpr Fe fe_canonical(const Fe& in) noexcept {
  Fe a = fe_carry(fe_carry(in));
  u64 q = (a.v[0] + 19) >> 51;
  q = (a.v[1] + q) >> 51;
  q = (a.v[2] + q) >> 51;
  q = (a.v[3] + q) >> 51;
  q = (a.v[4] + q) >> 51;
  a.v[0] += 19 * q;
  a.v[1] += a.v[0] >> 51;
  a.v[0] &= kMask51;
  a.v[2] += a.v[1] >> 51;
  a.v[1] &= kMask51;
  a.v[3] += a.v[2] >> 51;
  a.v[2] &= kMask51;
  a.v[4] += a.v[3] >> 51;
  a.v[3] &= kMask51;
  a.v[4] &= kMask51;  // drops q * 2^255
  return a;
}

// The low 255 bits of 32 little-endian bytes, bit 255 ignored. Values in [p, 2^255) are kept as they are: every
// operation works mod p, so they act as y - p (OpenSSL's fe_frombytes does the same).
Fe fe_frombytes(const u8 s[32]) noexcept {
  const u64 w0 = load64_le(s), w1 = load64_le(s + 8), w2 = load64_le(s + 16), w3 = load64_le(s + 24);
  return {{w0 & kMask51, ((w0 >> 51) | (w1 << 13)) & kMask51, ((w1 >> 38) | (w2 << 26)) & kMask51,
           ((w2 >> 25) | (w3 << 39)) & kMask51, (w3 >> 12) & kMask51}};
}

// The canonical 32-byte little-endian encoding (bit 255 clear).
void fe_tobytes(u8 s[32], const Fe& in) noexcept {
  const Fe a = fe_canonical(in);
  store64_le(s, a.v[0] | (a.v[1] << 51));
  store64_le(s + 8, (a.v[1] >> 13) | (a.v[2] << 38));
  store64_le(s + 16, (a.v[2] >> 26) | (a.v[3] << 25));
  store64_le(s + 24, (a.v[3] >> 39) | (a.v[4] << 12));
}

#else

// 1b. Builds without native 128-bit products (wasm32, where a 128-bit product is a library call): ten limbs of 26
// and 25 bits alternately (radix 2^25.5, as in ref10), each held in an int64_t so that a product of two limbs is one
// native 64-bit multiplication. Limb i has weight 2^ceil(25.5 i). Every operation returns "carried" limbs:
// |v[i]| <= 2^26 + 2^11 (fe_add and fe_sub carry too, unlike the 64-bit layer, so no bound needs tracking by the
// point formulas). fe_mul's column sums then stay below 10 * 2^27 * 2^31.3 < 2^62.

using i64 = std::int64_t;

struct Fe {
  i64 v[10];
};

// Bits of limb i, and its offset (the exponent of its weight).
constexpr int kLimbBits[10] = {26, 25, 26, 25, 26, 25, 26, 25, 26, 25};
constexpr int kLimbOffset[10] = {0, 26, 51, 77, 102, 128, 153, 179, 204, 230};

constexpr Fe fe_small(u64 x) noexcept { return {{static_cast<i64>(x), 0, 0, 0, 0, 0, 0, 0, 0, 0}}; }

// One carry pass over the limbs, the carry out of limb 9 folded into limb 0 (2^255 = 19 mod p), then limb 0's carry
// into limb 1 again. Arithmetic shifts (C++20): a negative limb carries a negative amount. Limbs below 2^62 in
// magnitude in, carried limbs out.
EDGEPG_ED25519_INLINE constexpr Fe fe_carry(Fe a) noexcept {
  EDGEPG_ED25519_UNROLL
  for (int i = 0; i < 9; ++i) {
    const i64 c = a.v[i] >> kLimbBits[i];
    a.v[i] -= c * (i64{1} << kLimbBits[i]);
    a.v[i + 1] += c;
  }
  const i64 c9 = a.v[9] >> 25;
  a.v[9] -= c9 * (i64{1} << 25);
  a.v[0] += 19 * c9;
  const i64 c0 = a.v[0] >> 26;
  a.v[0] -= c0 * (i64{1} << 26);
  a.v[1] += c0;
  return a;
}

[[gnu::noinline]] constexpr Fe fe_add(const Fe& a, const Fe& b) noexcept {
  Fe r{};
  EDGEPG_ED25519_UNROLL
  for (int i = 0; i < 10; ++i) r.v[i] = a.v[i] + b.v[i];
  return fe_carry(r);
}

[[gnu::noinline]] constexpr Fe fe_sub(const Fe& a, const Fe& b) noexcept {
  Fe r{};
  EDGEPG_ED25519_UNROLL
  for (int i = 0; i < 10; ++i) r.v[i] = a.v[i] - b.v[i];
  return fe_carry(r);
}

// a * b: the 100 products, column i + j; a product of two odd limbs counts twice (their weights' exponents are
// 25.5 (i + j) + 1), and a column at or above 10 is folded into column i + j - 10 times 19.
[[gnu::noinline]] constexpr Fe fe_mul(const Fe& a, const Fe& b) noexcept {
  i64 b19[10] = {};
  i64 a2[10] = {};
  EDGEPG_ED25519_UNROLL
  for (int i = 0; i < 10; ++i) {
    b19[i] = 19 * b.v[i];
    a2[i] = (i & 1) != 0 ? 2 * a.v[i] : a.v[i];
  }
  i64 h[10] = {};
  EDGEPG_ED25519_UNROLL
  for (int i = 0; i < 10; ++i) {
    EDGEPG_ED25519_UNROLL
    for (int j = 0; j < 10; ++j) {
      const i64 x = (j & 1) != 0 ? a2[i] : a.v[i];
      if (i + j < 10) {
        h[i + j] += x * b.v[j];
      } else {
        h[i + j - 10] += x * b19[j];
      }
    }
  }
  // Column sums below 2^62: carry them as fe_carry does, with a second pass for the fold.
  Fe r{};
  EDGEPG_ED25519_UNROLL
  for (int i = 0; i < 10; ++i) r.v[i] = h[i];
  return fe_carry(fe_carry(r));
}

EDGEPG_ED25519_INLINE constexpr Fe fe_sq(const Fe& a) noexcept { return fe_mul(a, a); }

// The canonical representative in [0, p), every limb in [0, 2^bits). 4p is added first so that no limb is negative,
// three carry passes leave a value below 2p, then q = floor((a + 19) / 2^255) is 1 exactly when a >= p, and
// a - q*p = a + 19q - q*2^255.
constexpr Fe fe_canonical(const Fe& in) noexcept {
  Fe a = in;
  EDGEPG_ED25519_UNROLL
  for (int i = 0; i < 10; ++i) a.v[i] += 4 * ((i64{1} << kLimbBits[i]) - (i == 0 ? 19 : 1));
  a = fe_carry(fe_carry(fe_carry(a)));
  i64 q = (a.v[0] + 19) >> 26;
  EDGEPG_ED25519_UNROLL
  for (int i = 1; i < 10; ++i) q = (a.v[i] + q) >> kLimbBits[i];
  a.v[0] += 19 * q;
  EDGEPG_ED25519_UNROLL
  for (int i = 0; i < 9; ++i) {
    a.v[i + 1] += a.v[i] >> kLimbBits[i];
    a.v[i] &= (i64{1} << kLimbBits[i]) - 1;
  }
  a.v[9] &= (i64{1} << 25) - 1;  // drops q * 2^255
  return a;
}

// The low 255 bits of 32 little-endian bytes, bit 255 ignored; values in [p, 2^255) are kept as they are (see the
// 64-bit layer).
Fe fe_frombytes(const u8 s[32]) noexcept {
  Fe r{};
  for (int i = 0; i < 10; ++i) {
    u64 limb = 0;
    for (int bit = kLimbBits[i] - 1; bit >= 0; --bit) {
      const int at = kLimbOffset[i] + bit;
      limb = (limb << 1) | ((s[at >> 3] >> (at & 7)) & 1u);
    }
    r.v[i] = static_cast<i64>(limb);
  }
  return r;
}

// The canonical 32-byte little-endian encoding (bit 255 clear).
void fe_tobytes(u8 s[32], const Fe& in) noexcept {
  const Fe a = fe_canonical(in);
  std::memset(s, 0, 32);
  for (int i = 0; i < 10; ++i) {
    const u64 limb = static_cast<u64>(a.v[i]);
    for (int bit = 0; bit < kLimbBits[i]; ++bit) {
      const int at = kLimbOffset[i] + bit;
      s[at >> 3] = static_cast<u8>(s[at >> 3] | (((limb >> bit) & 1u) << (at & 7)));
    }
  }
}

#endif  // EDGEPG_ED25519_LIMB64

constexpr Fe kZero = fe_small(0);
constexpr Fe kOne = fe_small(1);

EDGEPG_ED25519_INLINE constexpr Fe fe_neg(const Fe& a) noexcept { return fe_sub(kZero, a); }

constexpr Fe fe_sq_n(Fe a, int times) noexcept {
  for (int i = 0; i < times; ++i) a = fe_sq(a);
  return a;
}

constexpr bool fe_is_zero(const Fe& a) noexcept {
  const Fe c = fe_canonical(a);
  return (c.v[0] | c.v[1] | c.v[2] | c.v[3] | c.v[4]) == 0;
}

// RFC 8032's "negative": the canonical value is odd.
bool fe_is_negative(const Fe& a) noexcept { return (fe_canonical(a).v[0] & 1) != 0; }

// z^(2^250 - 1) and z^11, the common prefix of the two exponentiations below (the ref10 addition chain:
// 250 squarings and 11 multiplications). x_k below is z^(2^k - 1).
struct Pow250 {
  Fe x250, z11;
};
constexpr Pow250 fe_pow_2_250_minus_1(const Fe& z) noexcept {
  const Fe z2 = fe_sq(z);
  const Fe z9 = fe_mul(fe_sq_n(z2, 2), z);
  const Fe z11 = fe_mul(z9, z2);
  const Fe x5 = fe_mul(fe_sq(z11), z9);  // z^22 * z^9 = z^31
  const Fe x10 = fe_mul(fe_sq_n(x5, 5), x5);
  const Fe x20 = fe_mul(fe_sq_n(x10, 10), x10);
  const Fe x40 = fe_mul(fe_sq_n(x20, 20), x20);
  const Fe x50 = fe_mul(fe_sq_n(x40, 10), x10);
  const Fe x100 = fe_mul(fe_sq_n(x50, 50), x50);
  const Fe x200 = fe_mul(fe_sq_n(x100, 100), x100);
  const Fe x250 = fe_mul(fe_sq_n(x200, 50), x50);
  return {x250, z11};
}

// z^-1 = z^(p - 2) = z^(2^255 - 21) (Fermat): (2^250 - 1) * 2^5 + 11. Maps 0 to 0.
constexpr Fe fe_invert(const Fe& z) noexcept {
  const Pow250 t = fe_pow_2_250_minus_1(z);
  return fe_mul(fe_sq_n(t.x250, 5), t.z11);
}

// z^((p - 5) / 8) = z^(2^252 - 3) = z^((2^250 - 1) * 4 + 1), for the square root in decoding.
Fe fe_pow22523(const Fe& z) noexcept { return fe_mul(fe_sq_n(fe_pow_2_250_minus_1(z).x250, 2), z); }

// d = -121665/121666, 2d, and sqrt(-1) = 2^((p - 1) / 4) (2 is a non-square mod p since p = 5 mod 8, so
// 2^((p-1)/2) = -1), all computed at compile time from their definitions: no transcribed limbs. For the last one,
// (p - 1) / 4 = 2^253 - 5 = (2^250 - 1) * 2^3 + 3, and 2^3 = 8.
constexpr Fe kD = fe_canonical(fe_mul(fe_neg(fe_small(121665)), fe_invert(fe_small(121666))));
constexpr Fe kD2 = fe_canonical(fe_add(kD, kD));
constexpr Fe kSqrtM1 = fe_canonical(fe_mul(fe_sq_n(fe_pow_2_250_minus_1(fe_small(2)).x250, 3), fe_small(8)));
static_assert(fe_is_zero(fe_add(fe_mul(kD, fe_small(121666)), fe_small(121665))), "d * 121666 + 121665 must be 0");
static_assert(fe_is_zero(fe_add(fe_sq(kSqrtM1), kOne)), "sqrt(-1)^2 + 1 must be 0");
static_assert(!fe_is_zero(kD) && !fe_is_zero(fe_sub(kD2, kD)), "d and 2d are nonzero");

}  // namespace
}  // namespace edgepg::crypto::ed25519
