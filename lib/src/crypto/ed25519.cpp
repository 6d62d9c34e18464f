// Ed25519 verification with per-key precomputation (see ed25519.hpp). VARIABLE-TIME by design: every input is
// public. Compiled only when the CMake option EDGEPG_FAST_ED25519 is on (native 64-bit builds).
//
// Layout of this file:
//   1. The field GF(p), p = 2^255 - 19: 5 limbs of 51 bits with 64x64->128-bit products (radix 2^51, as in
//      curve25519-donna-c64 and OpenSSL's fe51), values kept loosely reduced and made canonical only to encode or
//      compare.
//   2. Scalars mod L = 2^252 + 27742317777372353535851937790883648493: range check of s, reduction of the 512-bit
//      hash by folding with 2^252 = -c (mod L), and the product/sum the test signer needs.
//   3. Points of the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 in extended coordinates (Hisil-Wong-Carter-
//      Dawson 2008): the Explicit-Formulas Database (EFD) formulas are named at each function. With a = -1 and d not
//      a square these additions are complete: no special cases for doubling, the identity or P + (-P).
//   4. Decoding exactly as OpenSSL's ge_frombytes_vartime, encoding as its ge_tobytes.
//   5. Tables of odd multiples in affine "Niels" form (y+x, y-x, 2d*x*y) after one batched inversion: one static pair
//      for B and 2^127*B, one pair per prepared key for -A and 2^127*(-A).
//   6. [s]B + [k](-A) as one interleaved width-w NAF chain (Straus/Shamir) over four ~127-bit scalars: s and k are each
//      split as lo + 2^127*hi, so the chain has ~127 doublings instead of ~253.
//   7. The public API: prepare(), verify(), and the test-only signer.
#include "crypto/ed25519.hpp"

#include <algorithm>
#include <cstring>

#include "crypto/crypto.hpp"

namespace edgepg::crypto::ed25519 {
namespace {

using u8 = std::uint8_t;
using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128;  // __extension__: GCC/clang accept it under -Wpedantic

// Keeps the limb arithmetic in registers inside the point formulas.
#define EDGEPG_ED25519_INLINE [[gnu::always_inline]] inline

// ---------------------------------------------------------------------------------------------------------------
// 1. The field GF(2^255 - 19)
// ---------------------------------------------------------------------------------------------------------------

// sum(v[i] * 2^(51 i)). "Normalised" below means every limb < 2^52 (what fe_mul, fe_sq, fe_sub and fe_carry
// return); fe_add of two normalised values gives limbs < 2^53, and fe_mul / fe_sq accept limbs up to 2^54.
struct Fe {
  u64 v[5];
};

constexpr u64 kMask51 = (u64{1} << 51) - 1;

constexpr Fe fe_small(u64 x) noexcept { return {{x, 0, 0, 0, 0}}; }
constexpr Fe kZero = fe_small(0);
constexpr Fe kOne = fe_small(1);

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
  return fe_carry({{a.v[0] + k16p0 - b.v[0], a.v[1] + k16pi - b.v[1], a.v[2] + k16pi - b.v[2],
                    a.v[3] + k16pi - b.v[3], a.v[4] + k16pi - b.v[4]}});
}

EDGEPG_ED25519_INLINE constexpr Fe fe_neg(const Fe& a) noexcept { return fe_sub(kZero, a); }

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

constexpr Fe fe_sq_n(Fe a, int times) noexcept {
  for (int i = 0; i < times; ++i) a = fe_sq(a);
  return a;
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

u64 load64_le(const u8* b) noexcept {
  u64 r = 0;
  for (int i = 7; i >= 0; --i) r = (r << 8) | b[i];
  return r;
}

void store64_le(u8* b, u64 x) noexcept {
  for (int i = 0; i < 8; ++i) b[i] = static_cast<u8>(x >> (8 * i));
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

// ---------------------------------------------------------------------------------------------------------------
// 2. Scalars mod L
// ---------------------------------------------------------------------------------------------------------------

// A 256-bit integer as 4 little-endian 64-bit words.
struct Scalar {
  u64 w[4];
};

// L = 2^252 + c with c = 27742317777372353535851937790883648493 (125 bits).
constexpr u64 kC0 = 0x5812631A5CF5D3EDull;
constexpr u64 kC1 = 0x14DEF9DEA2F79CD6ull;
constexpr Scalar kL = {{kC0, kC1, 0, u64{1} << 60}};

Scalar scalar_from_bytes(const u8 b[32]) noexcept {
  return {{load64_le(b), load64_le(b + 8), load64_le(b + 16), load64_le(b + 24)}};
}

void scalar_to_bytes(u8 b[32], const Scalar& s) noexcept {
  for (int i = 0; i < 4; ++i) store64_le(b + 8 * i, s.w[i]);
}

// a < b, as 256-bit integers.
bool scalar_less(const Scalar& a, const Scalar& b) noexcept {
  for (int i = 3; i >= 0; --i) {
    if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
  }
  return false;
}

// r = a + b mod 2^256; returns the carry out.
u64 add256(Scalar& r, const Scalar& a, const Scalar& b) noexcept {
  u64 carry = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 t = u128{a.w[i]} + b.w[i] + carry;
    r.w[i] = static_cast<u64>(t);
    carry = static_cast<u64>(t >> 64);
  }
  return carry;
}

// r = a - b mod 2^256; returns the borrow out.
u64 sub256(Scalar& r, const Scalar& a, const Scalar& b) noexcept {
  u64 borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 t = u128{a.w[i]} - b.w[i] - borrow;
    r.w[i] = static_cast<u64>(t);
    borrow = static_cast<u64>(t >> 64) & 1;
  }
  return borrow;
}

// out[0 .. na+nb) = a * b, schoolbook.
void mul_words(const u64* a, int na, const u64* b, int nb, u64* out) noexcept {
  for (int i = 0; i < na + nb; ++i) out[i] = 0;
  for (int i = 0; i < na; ++i) {
    u64 carry = 0;
    for (int j = 0; j < nb; ++j) {
      const u128 t = u128{a[i]} * b[j] + out[i + j] + carry;
      out[i + j] = static_cast<u64>(t);
      carry = static_cast<u64>(t >> 64);
    }
    out[i + nb] = carry;
  }
}

// x (n >= 4 words) split at bit 252: lo = x mod 2^252, hi[0 .. n-3) = x >> 252.
void split252(const u64* x, int n, Scalar& lo, u64* hi) noexcept {
  lo = {{x[0], x[1], x[2], x[3] & ((u64{1} << 60) - 1)}};
  for (int i = 0; i + 3 < n; ++i) hi[i] = (x[3 + i] >> 60) | (i + 4 < n ? x[4 + i] << 4 : 0);
}

// A 512-bit little-endian integer (the SHA-512 output, or a product of two scalars) mod L. With 2^252 = -c (mod L):
//   x = a + 2^252 b               a < 2^252, b < 2^260
//   b c = t = t0 + 2^252 t1       t0 < 2^252, t1 < 2^133
//   t1 c = u = u0 + 2^252 u1      u0 < 2^252, u1 < 2^6
//   so x = a - t0 + t1 c = a - t0 + u0 - u1 c (mod L); adding 2L keeps it positive, and a few subtractions of L
//   bring the sum (< 2^255) below L.
Scalar reduce512(const u64 x[8]) noexcept {
  constexpr u64 c[2] = {kC0, kC1};
  Scalar a, t0, u0;
  u64 b[5], t[7], t1[4], u[5], u1[2], v[4];
  split252(x, 8, a, b);
  mul_words(b, 5, c, 2, t);
  split252(t, 7, t0, t1);  // t1[3] == 0
  mul_words(t1, 3, c, 2, u);
  split252(u, 5, u0, u1);  // u1[1] == 0
  mul_words(u1, 1, c, 2, v);  // v[3] == 0
  const Scalar two_l = {{kC0 << 1, (kC1 << 1) | (kC0 >> 63), 0, u64{1} << 61}};
  Scalar r;
  add256(r, a, u0);
  add256(r, r, two_l);
  sub256(r, r, t0);
  sub256(r, r, Scalar{{v[0], v[1], v[2], 0}});
  while (!scalar_less(r, kL)) sub256(r, r, kL);
  return r;
}

Scalar reduce_hash(const Digest512& h) noexcept {
  u64 x[8];
  for (int i = 0; i < 8; ++i) x[i] = load64_le(h.data() + 8 * i);
  return reduce512(x);
}

// (a * b + c) mod L for c < L, for the test signer's S = r + k a.
Scalar scalar_mul_add(const Scalar& a, const Scalar& b, const Scalar& c) noexcept {
  u64 x[8];
  mul_words(a.w, 4, b.w, 4, x);
  Scalar r = reduce512(x);
  add256(r, r, c);  // < 2L < 2^254: no carry out
  if (!scalar_less(r, kL)) sub256(r, r, kL);
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Points
// ---------------------------------------------------------------------------------------------------------------

// Projective (X : Y : Z) for (X/Z, Y/Z).
struct P2 {
  Fe X, Y, Z;
};

// Extended (X : Y : Z : T) with T = XY/Z (Hisil-Wong-Carter-Dawson 2008).
struct P3 {
  Fe X, Y, Z, T;
};

// The output of an addition or doubling before its last four multiplications ("completed" point):
// X3 = E*F, Y3 = G*H, Z3 = F*G, T3 = E*H with the EFD names.
struct Completed {
  Fe E, F, G, H;
};

// An affine point with its addition-ready values (y+x, y-x, 2d*x*y) ("Niels" form, as in ref10's ge_precomp).
struct Niels {
  Fe ypx, ymx, xy2d;
};

// An extended point with (Y+X, Y-X, 2Z, 2d*T) precomputed, for additions while building tables.
struct Cached {
  Fe ypx, ymx, z2, t2d;
};

EDGEPG_ED25519_INLINE P2 to_p2(const Completed& c) noexcept {
  return {fe_mul(c.E, c.F), fe_mul(c.G, c.H), fe_mul(c.F, c.G)};
}

EDGEPG_ED25519_INLINE P3 to_p3(const Completed& c) noexcept {
  return {fe_mul(c.E, c.F), fe_mul(c.G, c.H), fe_mul(c.F, c.G), fe_mul(c.E, c.H)};
}

Cached to_cached(const P3& p) noexcept {
  return {fe_add(p.Y, p.X), fe_sub(p.Y, p.X), fe_add(p.Z, p.Z), fe_mul(p.T, kD2)};
}

// 2P with EFD "dbl-2008-hwcd" for a = -1 (4S here, then 3M to P2 or 4M to P3; T is not needed as input):
//   A = X1^2, B = Y1^2, C = 2 Z1^2, E = (X1+Y1)^2 - A - B, G = B - A, F = G - C, H = -A - B
// computed here with F and H negated (F' = C - G, H' = A + B): that negates X3, Y3, Z3 and T3 together, the same
// projective point, and saves two negations.
EDGEPG_ED25519_INLINE Completed dbl(const Fe& X, const Fe& Y, const Fe& Z) noexcept {
  const Fe a = fe_sq(X);
  const Fe b = fe_sq(Y);
  const Fe zz = fe_sq(Z);
  const Fe c = fe_add(zz, zz);
  const Fe h = fe_add(a, b);
  const Fe g = fe_sub(b, a);
  const Fe e = fe_sub(fe_sq(fe_add(X, Y)), h);
  const Fe f = fe_sub(c, g);
  return {e, f, g, h};
}

// P + Q, Q affine, with EFD "madd-2008-hwcd-3" (a = -1, k = 2d, Z2 = 1; 7M with the conversion):
//   A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2), C = T1 * 2d*T2, D = 2 Z1, E = B - A, F = D - C, G = D + C, H = B + A
EDGEPG_ED25519_INLINE Completed madd(const P3& p, const Niels& q) noexcept {
  const Fe a = fe_mul(fe_sub(p.Y, p.X), q.ymx);
  const Fe b = fe_mul(fe_add(p.Y, p.X), q.ypx);
  const Fe c = fe_mul(p.T, q.xy2d);
  const Fe d = fe_add(p.Z, p.Z);
  return {fe_sub(b, a), fe_sub(d, c), fe_add(d, c), fe_add(b, a)};
}

// P - Q: madd with -Q = (-x, y), whose Niels form swaps y+x and y-x and negates 2d*x*y (so F and G swap roles).
EDGEPG_ED25519_INLINE Completed msub(const P3& p, const Niels& q) noexcept {
  const Fe a = fe_mul(fe_sub(p.Y, p.X), q.ypx);
  const Fe b = fe_mul(fe_add(p.Y, p.X), q.ymx);
  const Fe c = fe_mul(p.T, q.xy2d);
  const Fe d = fe_add(p.Z, p.Z);
  return {fe_sub(b, a), fe_add(d, c), fe_sub(d, c), fe_add(b, a)};
}

// P + Q with EFD "add-2008-hwcd-3" (a = -1, k = 2d; Q cached):
//   A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2), C = T1 * 2d*T2, D = Z1 * 2 Z2, then E, F, G, H as in madd.
Completed add(const P3& p, const Cached& q) noexcept {
  const Fe a = fe_mul(fe_sub(p.Y, p.X), q.ymx);
  const Fe b = fe_mul(fe_add(p.Y, p.X), q.ypx);
  const Fe c = fe_mul(p.T, q.t2d);
  const Fe d = fe_mul(p.Z, q.z2);
  return {fe_sub(b, a), fe_sub(d, c), fe_add(d, c), fe_add(b, a)};
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Decoding and encoding
// ---------------------------------------------------------------------------------------------------------------

// RFC 8032 §5.1.3 as OpenSSL 3.0's ge_frombytes_vartime does it, which is what prepare() must accept:
//   - y is the low 255 bits taken mod p: y >= p is NOT rejected (RFC 8032 step 1 would);
//   - x = sqrt(u/v) with u = y^2 - 1, v = d y^2 + 1, computed as u v^3 (u v^7)^((p-5)/8); if v x^2 = -u, x is
//     multiplied by sqrt(-1); if v x^2 is neither u nor -u there is no point: rejected;
//   - x is negated when its parity differs from bit 255. For x = 0 with bit 255 set, -0 = 0 is kept: NOT rejected
//     (RFC 8032 step 4 would).
bool decode_point(const u8 s[32], P3& out) noexcept {
  const Fe y = fe_frombytes(s);
  const Fe yy = fe_sq(y);
  const Fe u = fe_sub(yy, kOne);
  const Fe v = fe_add(fe_mul(yy, kD), kOne);
  const Fe v3 = fe_mul(fe_sq(v), v);
  const Fe uv7 = fe_mul(fe_mul(fe_sq(v3), v), u);
  Fe x = fe_mul(fe_mul(fe_pow22523(uv7), v3), u);
  const Fe vxx = fe_mul(fe_sq(x), v);
  if (!fe_is_zero(fe_sub(vxx, u))) {
    if (!fe_is_zero(fe_add(vxx, u))) return false;
    x = fe_mul(x, kSqrtM1);
  }
  if (fe_is_negative(x) != ((s[31] >> 7) != 0)) x = fe_neg(x);
  out = {x, fe_carry(y), kOne, fe_mul(x, y)};
  return true;
}

// RFC 8032 §5.1.2 (OpenSSL's ge_tobytes): the canonical y with the parity of the canonical x in bit 255.
void encode_point(u8 s[32], const P2& p) noexcept {
  const Fe zinv = fe_invert(p.Z);
  const Fe x = fe_mul(p.X, zinv);
  const Fe y = fe_mul(p.Y, zinv);
  fe_tobytes(s, y);
  s[31] = static_cast<u8>(s[31] | (fe_is_negative(x) ? 0x80 : 0));
}

P3 negate(const P3& p) noexcept { return {fe_neg(p.X), p.Y, p.Z, fe_neg(p.T)}; }

// ---------------------------------------------------------------------------------------------------------------
// 5. Tables of odd multiples
// ---------------------------------------------------------------------------------------------------------------

// The split point of the scalars: s = s_lo + 2^127 s_hi with s_lo < 2^127 and s_hi < 2^126 (s < L < 2^253).
constexpr int kSplit = 127;

// Window widths of the wNAF digits: the base point's static tables hold 2^(w-2) odd multiples each, a key's tables
// likewise. Wider windows mean fewer additions (about 127/(w+1) per scalar half) but bigger tables: 120 bytes an
// entry, so w = 8 is 7.5 KB a table (static) and w = 7 is 3.75 KB (per key: two of them).
constexpr int kBaseWindow = 8;
constexpr int kKeyWindow = 7;
static_assert(kBaseWindow >= 2 && kBaseWindow <= 8 && kKeyWindow >= 2 && kKeyWindow <= 8,
              "wNAF digits are stored as signed char: |d| <= 2^(w-1) - 1 must fit");

template <int W>
struct Tables {
  static constexpr int kCount = 1 << (W - 2);
  Niels lo[kCount];  // P, 3P, 5P, ..., (2^(W-1) - 1) P
  Niels hi[kCount];  // the same multiples of 2^127 P
};

// P, 3P, ..., (2n-1) P in extended coordinates: repeated addition of 2P.
void odd_multiples(const P3& p, P3* out, int n) noexcept {
  const Cached two_p = to_cached(to_p3(dbl(p.X, p.Y, p.Z)));
  out[0] = p;
  for (int i = 1; i < n; ++i) out[i] = to_p3(add(out[i - 1], two_p));
}

// [2^k] P by k doublings.
P3 double_times(const P3& p, int k) noexcept {
  P2 r = {p.X, p.Y, p.Z};
  for (int i = 0; i + 1 < k; ++i) r = to_p2(dbl(r.X, r.Y, r.Z));
  return to_p3(dbl(r.X, r.Y, r.Z));
}

// Fills t from P: odd multiples of P and of 2^127 P, made affine with one inversion (Montgomery's trick: prefix
// products of the Z's, one inversion, then each inverse recovered with two multiplications).
template <int W>
void build_tables(const P3& p, Tables<W>& t) noexcept {
  constexpr int n = Tables<W>::kCount;
  P3 pts[2 * n];
  odd_multiples(p, pts, n);
  odd_multiples(double_times(p, kSplit), pts + n, n);
  Fe prefix[2 * n];
  Fe acc = kOne;
  for (int i = 0; i < 2 * n; ++i) {
    prefix[i] = acc;  // Z_0 ... Z_{i-1}
    acc = fe_mul(acc, pts[i].Z);
  }
  Fe inv = fe_invert(acc);  // (Z_0 ... Z_{2n-1})^-1; no Z is ever 0 on this curve
  for (int i = 2 * n - 1; i >= 0; --i) {
    const Fe zinv = fe_mul(inv, prefix[i]);
    inv = fe_mul(inv, pts[i].Z);
    const Fe x = fe_mul(pts[i].X, zinv);
    const Fe y = fe_mul(pts[i].Y, zinv);
    Niels& e = i < n ? t.lo[i] : t.hi[i - n];
    e = {fe_carry(fe_add(y, x)), fe_sub(y, x), fe_mul(fe_mul(x, y), kD2)};
  }
}

// B: y = 4/5 with x even ("positive"), RFC 8032 §5.1.
constexpr u8 kBaseEncoding[32] = {0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};

const Tables<kBaseWindow>& base_tables() noexcept {
  static const Tables<kBaseWindow> tables = [] {
    Tables<kBaseWindow> t{};
    P3 b{};
    decode_point(kBaseEncoding, b);
    build_tables(b, t);
    return t;
  }();
  return tables;
}

// ---------------------------------------------------------------------------------------------------------------
// 6. [s]B + [k]P by interleaved wNAF
// ---------------------------------------------------------------------------------------------------------------

// Enough digits for a value below 2^127 (a width-w NAF is at most one digit longer than the binary form).
constexpr int kDigits = kSplit + 2;

// Width-w NAF of k: digits d_i in {0, +-1, +-3, ..., +-(2^(w-1) - 1)} with k = sum d_i 2^i; every nonzero digit is
// followed by at least w-1 zeros. Returns the number of digits up to the last nonzero one (0 for k = 0).
int wnaf(u128 k, int w, signed char digits[kDigits]) noexcept {
  std::memset(digits, 0, kDigits);
  const u64 window = u64{1} << w;
  int len = 0;
  for (int i = 0; k != 0; ++i) {
    if ((k & 1) != 0) {
      auto d = static_cast<int>(static_cast<u64>(k) & (window - 1));
      if (d >= static_cast<int>(window / 2)) d -= static_cast<int>(window);
      digits[i] = static_cast<signed char>(d);
      if (d > 0) {
        k -= static_cast<u64>(d);
      } else {
        k += static_cast<u64>(-d);  // k < 2^127 + 2^(w-1): no overflow
      }
      len = i + 1;
    }
    k >>= 1;
  }
  return len;
}

// s = lo + 2^127 hi for s < 2^253.
void split_scalar(const Scalar& s, u128& lo, u128& hi) noexcept {
  const u128 low = (u128{s.w[1]} << 64) | s.w[0];
  lo = low & ((u128{1} << kSplit) - 1);
  hi = (((u128{s.w[3]} << 64) | s.w[2]) << 1) | (s.w[1] >> 63);
}

// Adds d * (odd multiple table) to the completed point c (turned into extended coordinates first).
EDGEPG_ED25519_INLINE void add_digit(Completed& c, int d, const Niels* table) noexcept {
  const P3 p = to_p3(c);
  c = d > 0 ? madd(p, table[d >> 1]) : msub(p, table[(-d) >> 1]);
}

// [s]B + [k]P for s, k < 2^253, P given by its tables (none: k is ignored). One chain of doublings shared by the
// four half-scalars s_lo, s_hi (base tables) and k_lo, k_hi (the key's tables).
P2 double_scalar_mul(const Scalar& s, const Scalar& k, const Tables<kKeyWindow>* key) noexcept {
  const Tables<kBaseWindow>& base = base_tables();
  u128 s_lo, s_hi, k_lo, k_hi;
  split_scalar(s, s_lo, s_hi);
  split_scalar(k, k_lo, k_hi);
  signed char ds_lo[kDigits], ds_hi[kDigits], dk_lo[kDigits], dk_hi[kDigits];
  int top = wnaf(s_lo, kBaseWindow, ds_lo);
  top = std::max(top, wnaf(s_hi, kBaseWindow, ds_hi));
  if (key != nullptr) {
    top = std::max(top, wnaf(k_lo, kKeyWindow, dk_lo));
    top = std::max(top, wnaf(k_hi, kKeyWindow, dk_hi));
  }
  P2 r = {kZero, kOne, kOne};  // the identity
  for (int i = top - 1; i >= 0; --i) {
    Completed c = dbl(r.X, r.Y, r.Z);
    if (ds_lo[i] != 0) add_digit(c, ds_lo[i], base.lo);
    if (ds_hi[i] != 0) add_digit(c, ds_hi[i], base.hi);
    if (key != nullptr) {
      if (dk_lo[i] != 0) add_digit(c, dk_lo[i], key->lo);
      if (dk_hi[i] != 0) add_digit(c, dk_hi[i], key->hi);
    }
    r = to_p2(c);
  }
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// 7. The API
// ---------------------------------------------------------------------------------------------------------------

class PreparedKey {
 public:
  u8 encoded[32];  // the key's bytes as given: they are hashed as they are, even when not canonical
  Tables<kKeyWindow> tables;  // odd multiples of -A and of 2^127 (-A)
};

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

namespace detail {

namespace {

// The secret scalar a (clamped first half of SHA-512(seed), reduced mod L: [a]B = [a mod L]B) and the prefix.
struct Expanded {
  Scalar a;
  u8 prefix[32];
  u8 public_key[32];
};

Expanded expand(const std::uint8_t seed[32]) noexcept {
  const Digest512 h = sha512(ByteView(seed, 32));
  u8 clamped[32];
  std::memcpy(clamped, h.data(), 32);
  clamped[0] &= 248;
  clamped[31] &= 127;
  clamped[31] |= 64;
  u64 x[8] = {};
  for (int i = 0; i < 4; ++i) x[i] = load64_le(clamped + 8 * i);
  Expanded e{};
  e.a = reduce512(x);
  std::memcpy(e.prefix, h.data() + 32, 32);
  encode_point(e.public_key, double_scalar_mul(e.a, Scalar{}, nullptr));
  return e;
}

}  // namespace

void public_key_for_test(const std::uint8_t seed[32], std::uint8_t public_key[32]) noexcept {
  std::memcpy(public_key, expand(seed).public_key, 32);
}

void sign_for_test(const std::uint8_t seed[32], const std::uint8_t* message, std::size_t message_len,
                   std::uint8_t signature[64]) noexcept {
  const Expanded e = expand(seed);
  const ByteView m(message, message_len);
  const Scalar r = reduce_hash(sha512({ByteView(e.prefix, 32), m}));
  encode_point(signature, double_scalar_mul(r, Scalar{}, nullptr));
  const Scalar k = reduce_hash(sha512({ByteView(signature, 32), ByteView(e.public_key, 32), m}));
  scalar_to_bytes(signature + 32, scalar_mul_add(k, e.a, r));
}

std::size_t prepared_key_size_for_test() noexcept { return sizeof(PreparedKey); }

void base_mul_for_test(const std::uint8_t n[32], std::uint8_t out[32]) noexcept {
  u64 x[8] = {};
  for (int i = 0; i < 4; ++i) x[i] = load64_le(n + 8 * i);
  encode_point(out, double_scalar_mul(reduce512(x), Scalar{}, nullptr));
}

}  // namespace detail

}  // namespace edgepg::crypto::ed25519
