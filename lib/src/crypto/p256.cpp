// ECDSA P-256 verification in portable C++20 (see p256.hpp). VARIABLE-TIME by design: every input is public.
//
// Layout of this file:
//   1. 256-bit integers as 8 little-endian 32-bit limbs; every product is a native 32x32->64 multiply (wasm32 has
//      it, unlike 64x64->128).
//   2. The field GF(p): schoolbook products summed into unnormalised 32-bit columns, reduced with the NIST/Solinas
//      fast reduction for p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (FIPS 186-4 §D.2.3): additions of words only.
//      Elements are kept fully reduced (canonical, in [0, p)), so equality and zero tests are limb comparisons.
//   3. Scalars mod n: Montgomery multiplication (CIOS) and a binary extended Euclid inverse.
//   4. Points in Jacobian coordinates (x = X/Z^2, y = Y/Z^3; Z = 0 is the point at infinity) with the
//      Explicit-Formulas Database (EFD) formulas named at each function.
//   5. u1*G + u2*Q by interleaved width-w NAF (Shamir/Straus): one shared chain of doublings, G's odd multiples
//      from a static affine table (w = 8), Q's odd multiples from a per-call Jacobian table (w = 5).
#include "crypto/p256.hpp"

#include <cstddef>
#include <cstdint>

namespace edgepg::crypto::p256 {
namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i64 = std::int64_t;

// Fully unrolls the fixed 8- and 16-step limb loops so the limbs live in registers (wasm locals) rather than in
// stack memory: clang at -O3 otherwise keeps the outer loop of the 8x8 product. GCC and clang both honour it.
#define EDGEPG_P256_UNROLL _Pragma("GCC unroll 16")
// Forces the product columns and their reduction into one function body, so the 16 columns stay in registers
// instead of making a round trip through a stack array between two calls.
#define EDGEPG_P256_INLINE [[gnu::always_inline]] inline

// ---------------------------------------------------------------------------------------------------------------
// 1. 256-bit integers
// ---------------------------------------------------------------------------------------------------------------

// A 256-bit unsigned integer, w[0] least significant.
struct U256 {
  u32 w[8];
};

// p = 2^256 - 2^224 + 2^192 + 2^96 - 1
constexpr U256 kP = {{0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0x00000000, 0x00000000, 0x00000001, 0xFFFFFFFF}};
// n, the order of G
constexpr U256 kN = {{0xFC632551, 0xF3B9CAC2, 0xA7179E84, 0xBCE6FAAD, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0xFFFFFFFF}};
// b of y^2 = x^3 - 3x + b
constexpr U256 kB = {{0x27D2604B, 0x3BCE3C3E, 0xCC53B0F6, 0x651D06B0, 0x769886BC, 0xB3EBBD55, 0xAA3A93E7, 0x5AC635D8}};
// The base point G
constexpr U256 kGx = {{0xD898C296, 0xF4A13945, 0x2DEB33A0, 0x77037D81, 0x63A440F2, 0xF8BCE6E5, 0xE12C4247, 0x6B17D1F2}};
constexpr U256 kGy = {{0x37BF51F5, 0xCBB64068, 0x6B315ECE, 0x2BCE3357, 0x7C0F9E16, 0x8EE7EB4A, 0xFE1A7F9B, 0x4FE342E2}};
constexpr U256 kZero = {{0, 0, 0, 0, 0, 0, 0, 0}};
constexpr U256 kOne = {{1, 0, 0, 0, 0, 0, 0, 0}};

U256 load_be(const std::uint8_t b[32]) noexcept {
  U256 r{};
  for (int i = 0; i < 8; ++i) {
    const std::uint8_t* q = b + 28 - 4 * i;
    r.w[i] = (u32{q[0]} << 24) | (u32{q[1]} << 16) | (u32{q[2]} << 8) | u32{q[3]};
  }
  return r;
}

void store_be(const U256& a, std::uint8_t b[32]) noexcept {
  for (int i = 0; i < 8; ++i) {
    std::uint8_t* q = b + 28 - 4 * i;
    q[0] = static_cast<std::uint8_t>(a.w[i] >> 24);
    q[1] = static_cast<std::uint8_t>(a.w[i] >> 16);
    q[2] = static_cast<std::uint8_t>(a.w[i] >> 8);
    q[3] = static_cast<std::uint8_t>(a.w[i]);
  }
}

constexpr bool is_zero(const U256& a) noexcept {
  u32 acc = 0;
  EDGEPG_P256_UNROLL
  for (u32 x : a.w) acc |= x;
  return acc == 0;
}

constexpr bool equal(const U256& a, const U256& b) noexcept {
  u32 acc = 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 8; ++i) acc |= a.w[i] ^ b.w[i];
  return acc == 0;
}

// a >= b
constexpr bool geq(const U256& a, const U256& b) noexcept {
  EDGEPG_P256_UNROLL
  for (int i = 7; i >= 0; --i) {
    if (a.w[i] != b.w[i]) return a.w[i] > b.w[i];
  }
  return true;
}

// r = a + b mod 2^256; returns the carry out.
constexpr u32 add_raw(U256& r, const U256& a, const U256& b) noexcept {
  u64 c = 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += u64{a.w[i]} + b.w[i];
    r.w[i] = static_cast<u32>(c);
    c >>= 32;
  }
  return static_cast<u32>(c);
}

// r = a - b mod 2^256; returns the borrow out (0 or 1).
constexpr u32 sub_raw(U256& r, const U256& a, const U256& b) noexcept {
  u64 borrow = 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 8; ++i) {
    const u64 d = u64{a.w[i]} - b.w[i] - borrow;
    r.w[i] = static_cast<u32>(d);
    borrow = (d >> 32) & 1;
  }
  return static_cast<u32>(borrow);
}

bool is_odd(const U256& a) noexcept { return (a.w[0] & 1) != 0; }

// a >>= 1, shifting `top` (0 or 1) into bit 255.
void shr1(U256& a, u32 top) noexcept {
  for (int i = 0; i < 7; ++i) a.w[i] = (a.w[i] >> 1) | (a.w[i + 1] << 31);
  a.w[7] = (a.w[7] >> 1) | (top << 31);
}

// ---------------------------------------------------------------------------------------------------------------
// 2. The field GF(p); all values fully reduced
// ---------------------------------------------------------------------------------------------------------------

U256 fe_add(const U256& a, const U256& b) noexcept {
  U256 r;
  if (add_raw(r, a, b) != 0 || geq(r, kP)) sub_raw(r, r, kP);
  return r;
}

U256 fe_sub(const U256& a, const U256& b) noexcept {
  U256 r;
  if (sub_raw(r, a, b) != 0) add_raw(r, r, kP);
  return r;
}

U256 fe_neg(const U256& a) noexcept { return fe_sub(kZero, a); }

// The 512-bit product of a and b as 16 column sums, c[k] = sum of the 32-bit halves of a_i*b_j landing at
// 2^(32k): each 64-bit product adds its low half to column i+j and its high half to column i+j+1. The columns are
// left unnormalised (each < 2^36) so the 64 products have no carry chain between them; fe_reduce carries once.
EDGEPG_P256_INLINE void mul_columns(i64 c[16], const U256& a, const U256& b) noexcept {
  u64 col[16] = {};
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 8; ++i) {
    const u64 ai = a.w[i];
    EDGEPG_P256_UNROLL
    for (int j = 0; j < 8; ++j) {
      const u64 prod = ai * b.w[j];
      col[i + j] += prod & 0xFFFFFFFFu;
      col[i + j + 1] += prod >> 32;
    }
  }
  EDGEPG_P256_UNROLL
  for (int k = 0; k < 16; ++k) c[k] = static_cast<i64>(col[k]);
}

// The square of a in the same column form (each column < 2^37): the 28 cross products a_i*a_j (i < j) once,
// doubled, plus the 8 squares on the diagonal.
EDGEPG_P256_INLINE void sqr_columns(i64 c[16], const U256& a) noexcept {
  u64 col[16] = {};
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 8; ++i) {
    const u64 ai = a.w[i];
    EDGEPG_P256_UNROLL
    for (int j = i + 1; j < 8; ++j) {
      const u64 prod = ai * a.w[j];
      col[i + j] += prod & 0xFFFFFFFFu;
      col[i + j + 1] += prod >> 32;
    }
  }
  EDGEPG_P256_UNROLL
  for (u64& x : col) x <<= 1;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 8; ++i) {
    const u64 sq = u64{a.w[i]} * a.w[i];
    col[2 * i] += sq & 0xFFFFFFFFu;
    col[2 * i + 1] += sq >> 32;
  }
  EDGEPG_P256_UNROLL
  for (int k = 0; k < 16; ++k) c[k] = static_cast<i64>(col[k]);
}

// Reduces sum(c[k] * 2^(32k)) mod p with FIPS 186-4 §D.2.3 (Solinas): with words c15..c0,
//   result = T + 2*S1 + 2*S2 + S3 + S4 - D1 - D2 - D3 - D4 (mod p), each term an 8-word vector of the c_i.
// The identity is linear in the c_i (it rewrites 2^(32k), k >= 8, as a combination of lower powers mod p), so it
// also holds for unnormalised columns: with every c_i < 2^37 each sum below is within +-2^41. One signed carry
// pass follows, and the leftover carry c is folded back with 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p).
EDGEPG_P256_INLINE U256 fe_reduce(const i64 c[16]) noexcept {
  const i64 c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7];
  const i64 c8 = c[8], c9 = c[9], c10 = c[10], c11 = c[11], c12 = c[12], c13 = c[13], c14 = c[14], c15 = c[15];
  i64 w[8];
  w[0] = c0 + c8 + c9 - c11 - c12 - c13 - c14;
  w[1] = c1 + c9 + c10 - c12 - c13 - c14 - c15;
  w[2] = c2 + c10 + c11 - c13 - c14 - c15;
  w[3] = c3 + 2 * (c11 + c12) + c13 - c15 - c8 - c9;
  w[4] = c4 + 2 * (c12 + c13) + c14 - c9 - c10;
  w[5] = c5 + 2 * (c13 + c14) + c15 - c10 - c11;
  w[6] = c6 + 3 * c14 + 2 * c15 + c13 - c8 - c9;
  w[7] = c7 + 3 * c15 + c8 - c10 - c11 - c12 - c13;

  U256 r;
  i64 acc = 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 8; ++i) {
    acc += w[i];
    r.w[i] = static_cast<u32>(acc);
    acc >>= 32;  // arithmetic shift (defined in C++20)
  }
  // The first fold leaves a carry of -1, 0 or 1 (it moves at most |c| * 2^224); the loop ends within three rounds.
  while (acc != 0) {
    const i64 carry = acc;
    const i64 fold[8] = {carry, 0, 0, -carry, 0, 0, -carry, carry};
    acc = 0;
    EDGEPG_P256_UNROLL
    for (int i = 0; i < 8; ++i) {
      acc += i64{r.w[i]} + fold[i];
      r.w[i] = static_cast<u32>(acc);
      acc >>= 32;
    }
  }
  if (geq(r, kP)) sub_raw(r, r, kP);  // r < 2^256 < 2p
  return r;
}

U256 fe_mul(const U256& a, const U256& b) noexcept {
  i64 c[16];
  mul_columns(c, a, b);
  return fe_reduce(c);
}

U256 fe_sqr(const U256& a) noexcept {
  i64 c[16];
  sqr_columns(c, a);
  return fe_reduce(c);
}

U256 fe_sqr_n(U256 a, int times) noexcept {
  for (int i = 0; i < times; ++i) a = fe_sqr(a);
  return a;
}

// a^-1 = a^(p-2) (Fermat) by an addition chain: 255 squarings and 13 multiplications.
// p - 2 = ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff fffffffd (hex, 32-bit words).
// x_k below is a^(2^k - 1), i.e. k one bits. a must be nonzero (0 maps to 0).
U256 fe_inv(const U256& a) noexcept {
  const U256 x2 = fe_mul(fe_sqr(a), a);
  const U256 x3 = fe_mul(fe_sqr(x2), a);
  const U256 x6 = fe_mul(fe_sqr_n(x3, 3), x3);
  const U256 x12 = fe_mul(fe_sqr_n(x6, 6), x6);
  const U256 x15 = fe_mul(fe_sqr_n(x12, 3), x3);
  const U256 x30 = fe_mul(fe_sqr_n(x15, 15), x15);
  const U256 x32 = fe_mul(fe_sqr_n(x30, 2), x2);
  U256 t = fe_mul(fe_sqr_n(x32, 32), a);  // ffffffff 00000001
  t = fe_mul(fe_sqr_n(t, 128), x32);      // ... 00000000 00000000 00000000 ffffffff
  t = fe_mul(fe_sqr_n(t, 32), x32);       // ... ffffffff
  t = fe_mul(fe_sqr_n(t, 30), x30);       // ... then 30 ones
  return fe_mul(fe_sqr_n(t, 2), a);       // ... then 01: the last word is fffffffd
}

// y^2 == x^3 - 3x + b, for x, y already < p.
bool fe_on_curve(const U256& x, const U256& y) noexcept {
  const U256 x3 = fe_mul(fe_sqr(x), x);
  const U256 three_x = fe_add(fe_add(x, x), x);
  const U256 rhs = fe_add(fe_sub(x3, three_x), kB);
  return equal(fe_sqr(y), rhs);
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Scalars mod n
// ---------------------------------------------------------------------------------------------------------------

// -n^-1 mod 2^32 for Montgomery reduction (Newton's iteration doubles the correct low bits each step).
constexpr u32 montgomery_n0() {
  u32 inv = 1;
  for (int i = 0; i < 5; ++i) inv *= 2 - kN.w[0] * inv;
  return 0u - inv;
}
constexpr u32 kN0 = montgomery_n0();
static_assert(static_cast<u32>(kN0 * kN.w[0]) == 0xFFFFFFFFu, "n0 must be -n^-1 mod 2^32");

// R^2 mod n with R = 2^256: start from R mod n = 2^256 - n and double 256 times mod n.
constexpr U256 montgomery_rr() {
  U256 x{};
  sub_raw(x, kZero, kN);  // 2^256 - n, as n < 2^256 < 2n
  for (int i = 0; i < 256; ++i) {
    U256 d{};
    if (add_raw(d, x, x) != 0 || geq(d, kN)) sub_raw(d, d, kN);
    x = d;
  }
  return x;
}
constexpr U256 kRRn = montgomery_rr();

bool sc_in_range(const U256& a) noexcept { return !is_zero(a) && !geq(a, kN); }

// One conditional subtraction: enough for any a < 2^256 < 2n.
U256 sc_reduce_once(U256 a) noexcept {
  if (geq(a, kN)) sub_raw(a, a, kN);
  return a;
}

U256 sc_add(const U256& a, const U256& b) noexcept {
  U256 r;
  if (add_raw(r, a, b) != 0 || geq(r, kN)) sub_raw(r, r, kN);
  return r;
}

U256 sc_sub(const U256& a, const U256& b) noexcept {
  U256 r;
  if (sub_raw(r, a, b) != 0) add_raw(r, r, kN);
  return r;
}

// Montgomery product a*b*2^-256 mod n for a, b < n (CIOS, Koc et al. 1996).
U256 sc_mont_mul(const U256& a, const U256& b) noexcept {
  u32 t[10] = {};
  for (int i = 0; i < 8; ++i) {
    u64 c = 0;
    for (int j = 0; j < 8; ++j) {
      c += u64{a.w[j]} * b.w[i] + t[j];
      t[j] = static_cast<u32>(c);
      c >>= 32;
    }
    c += t[8];
    t[8] = static_cast<u32>(c);
    t[9] = static_cast<u32>(c >> 32);
    const u64 m = static_cast<u32>(t[0] * kN0);
    c = (m * kN.w[0] + t[0]) >> 32;
    for (int j = 1; j < 8; ++j) {
      c += m * kN.w[j] + t[j];
      t[j - 1] = static_cast<u32>(c);
      c >>= 32;
    }
    c += t[8];
    t[7] = static_cast<u32>(c);
    t[8] = t[9] + static_cast<u32>(c >> 32);
  }
  U256 r;
  for (int i = 0; i < 8; ++i) r.w[i] = t[i];
  if (t[8] != 0 || geq(r, kN)) sub_raw(r, r, kN);
  return r;
}

// a*b mod n for a, b < n: the second Montgomery product by R^2 cancels the first one's 2^-256.
U256 sc_mul(const U256& a, const U256& b) noexcept { return sc_mont_mul(sc_mont_mul(a, b), kRRn); }

// x = x/2 mod n for x < n: add n first when x is odd (the sum's 257th bit is shifted back in).
void sc_half(U256& x) noexcept {
  u32 top = 0;
  if (is_odd(x)) top = add_raw(x, x, kN);
  shr1(x, top);
}

// a^-1 mod n for a in [1, n-1], by the binary extended Euclidean algorithm (Guide to Elliptic Curve Cryptography,
// Hankerson-Menezes-Vanstone, Algorithm 2.22). Invariants: x1*a = u and x2*a = v (mod n). Variable-time, which is
// fine for public s; far cheaper than Fermat's a^(n-2).
U256 sc_inv(const U256& a) noexcept {
  U256 u = a;
  U256 v = kN;
  U256 x1 = kOne;
  U256 x2 = kZero;
  while (!equal(u, kOne) && !equal(v, kOne)) {
    while (!is_odd(u)) {
      shr1(u, 0);
      sc_half(x1);
    }
    while (!is_odd(v)) {
      shr1(v, 0);
      sc_half(x2);
    }
    if (geq(u, v)) {
      sub_raw(u, u, v);
      x1 = sc_sub(x1, x2);
    } else {
      sub_raw(v, v, u);
      x2 = sc_sub(x2, x1);
    }
  }
  return equal(u, kOne) ? x1 : x2;
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Points
// ---------------------------------------------------------------------------------------------------------------

struct Affine {
  U256 x, y;
};

// Jacobian (X, Y, Z) stands for (X/Z^2, Y/Z^3); Z = 0 is the point at infinity.
struct Jacobian {
  U256 x, y, z;
};

// A Jacobian point with Z^2 and Z^3 precomputed, for points added many times (the per-call table of Q).
struct Cached {
  Jacobian p;
  U256 zz, zzz;
};

constexpr Jacobian kInfinity = {kOne, kOne, kZero};

bool is_infinity(const Jacobian& p) noexcept { return is_zero(p.z); }

Cached make_cached(const Jacobian& p) noexcept {
  const U256 zz = fe_sqr(p.z);
  return {p, zz, fe_mul(zz, p.z)};
}

// 2P with EFD "dbl-2001-b" for a = -3 (3M + 5S):
//   delta = Z1^2, gamma = Y1^2, beta = X1*gamma, alpha = 3*(X1-delta)*(X1+delta)
//   X3 = alpha^2 - 8*beta, Z3 = (Y1+Z1)^2 - gamma - delta, Y3 = alpha*(4*beta - X3) - 8*gamma^2
// P-256 has prime order, so no finite point has Y = 0; infinity doubles to itself.
Jacobian dbl(const Jacobian& p) noexcept {
  if (is_infinity(p)) return p;
  const U256 delta = fe_sqr(p.z);
  const U256 gamma = fe_sqr(p.y);
  const U256 beta = fe_mul(p.x, gamma);
  U256 alpha = fe_mul(fe_sub(p.x, delta), fe_add(p.x, delta));
  alpha = fe_add(fe_add(alpha, alpha), alpha);
  const U256 beta4 = fe_add(fe_add(beta, beta), fe_add(beta, beta));
  const U256 beta8 = fe_add(beta4, beta4);
  Jacobian r;
  r.x = fe_sub(fe_sqr(alpha), beta8);
  r.z = fe_sub(fe_sub(fe_sqr(fe_add(p.y, p.z)), gamma), delta);
  const U256 gamma2 = fe_sqr(gamma);
  const U256 gamma2_2 = fe_add(gamma2, gamma2);
  const U256 gamma2_4 = fe_add(gamma2_2, gamma2_2);
  r.y = fe_sub(fe_mul(alpha, fe_sub(beta4, r.x)), fe_add(gamma2_4, gamma2_4));
  return r;
}

// P + Q with Q affine, EFD "madd-2007-bl" (7M + 4S, Z3 written as the equal 2*Z1*H):
//   Z1Z1 = Z1^2, U2 = X2*Z1Z1, S2 = Y2*Z1*Z1Z1, H = U2 - X1, HH = H^2, I = 4*HH, J = H*I, r = 2*(S2 - Y1),
//   V = X1*I, X3 = r^2 - J - 2*V, Y3 = r*(V - X3) - 2*Y1*J, Z3 = 2*Z1*H
// The formula fails when H = 0 (same x): then P = Q (double) or P = -Q (infinity); both are handled here, as is
// P = infinity, since the interleaved ladder can in principle meet every case.
Jacobian add_affine(const Jacobian& p, const Affine& q) noexcept {
  if (is_infinity(p)) return {q.x, q.y, kOne};
  const U256 z1z1 = fe_sqr(p.z);
  const U256 u2 = fe_mul(q.x, z1z1);
  const U256 s2 = fe_mul(q.y, fe_mul(p.z, z1z1));
  const U256 h = fe_sub(u2, p.x);
  U256 rr = fe_sub(s2, p.y);
  if (is_zero(h)) return is_zero(rr) ? dbl(p) : kInfinity;
  rr = fe_add(rr, rr);
  const U256 hh = fe_sqr(h);
  const U256 hh2 = fe_add(hh, hh);
  const U256 i = fe_add(hh2, hh2);
  const U256 j = fe_mul(h, i);
  const U256 v = fe_mul(p.x, i);
  Jacobian r;
  r.x = fe_sub(fe_sub(fe_sqr(rr), j), fe_add(v, v));
  const U256 y1j = fe_mul(p.y, j);
  r.y = fe_sub(fe_mul(rr, fe_sub(v, r.x)), fe_add(y1j, y1j));
  const U256 z1h = fe_mul(p.z, h);
  r.z = fe_add(z1h, z1h);
  return r;
}

// P + Q, both Jacobian, Q with cached Z2^2 and Z2^3: EFD "add-2007-bl" (11M + 5S; 9M + 3S with the cache, Z3
// written as the equal 2*Z1*Z2*H):
//   U1 = X1*Z2Z2, U2 = X2*Z1Z1, S1 = Y1*Z2*Z2Z2, S2 = Y2*Z1*Z1Z1, H = U2 - U1, I = (2*H)^2, J = H*I,
//   r = 2*(S2 - S1), V = U1*I, X3 = r^2 - J - 2*V, Y3 = r*(V - X3) - 2*S1*J, Z3 = 2*Z1*Z2*H
// Special cases as in add_affine.
Jacobian add_cached(const Jacobian& p, const Cached& q) noexcept {
  if (is_infinity(p)) return q.p;
  if (is_infinity(q.p)) return p;
  const U256 z1z1 = fe_sqr(p.z);
  const U256 u1 = fe_mul(p.x, q.zz);
  const U256 u2 = fe_mul(q.p.x, z1z1);
  const U256 s1 = fe_mul(p.y, q.zzz);
  const U256 s2 = fe_mul(q.p.y, fe_mul(p.z, z1z1));
  const U256 h = fe_sub(u2, u1);
  U256 rr = fe_sub(s2, s1);
  if (is_zero(h)) return is_zero(rr) ? dbl(p) : kInfinity;
  rr = fe_add(rr, rr);
  const U256 h2 = fe_add(h, h);
  const U256 i = fe_sqr(h2);
  const U256 j = fe_mul(h, i);
  const U256 v = fe_mul(u1, i);
  Jacobian r;
  r.x = fe_sub(fe_sub(fe_sqr(rr), j), fe_add(v, v));
  const U256 s1j = fe_mul(s1, j);
  r.y = fe_sub(fe_mul(rr, fe_sub(v, r.x)), fe_add(s1j, s1j));
  r.z = fe_mul(fe_mul(p.z, q.p.z), h2);
  return r;
}

Affine to_affine(const Jacobian& p) noexcept {
  const U256 zi = fe_inv(p.z);
  const U256 zi2 = fe_sqr(zi);
  return {fe_mul(p.x, zi2), fe_mul(p.y, fe_mul(zi2, zi))};
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Scalar multiplication
// ---------------------------------------------------------------------------------------------------------------

constexpr int kWindowG = 8;  // 2^(8-2) = 64 odd multiples of G: 1G, 3G, ..., 127G
constexpr int kWindowQ = 5;  // 2^(5-2) = 8 odd multiples of Q: 1Q, 3Q, ..., 15Q
constexpr int kTableG = 1 << (kWindowG - 2);
constexpr int kTableQ = 1 << (kWindowQ - 2);
constexpr int kMaxDigits = 257;  // a width-w NAF is at most one digit longer than the scalar

// Width-w NAF of k (Guide to ECC, Algorithm 3.35): digits[i] is 0 or odd with |digits[i]| < 2^(w-1), and any
// w consecutive digits hold at most one nonzero. digits must hold kMaxDigits zeros; returns the length used.
int wnaf(const U256& k, int w, std::int8_t digits[kMaxDigits]) noexcept {
  u32 t[9];
  for (int i = 0; i < 8; ++i) t[i] = k.w[i];
  t[8] = 0;
  const int full = 1 << w;
  int len = 0;
  for (;;) {
    u32 any = 0;
    for (u32 x : t) any |= x;
    if (any == 0) break;
    int d = 0;
    if ((t[0] & 1) != 0) {
      d = static_cast<int>(t[0] & static_cast<u32>(full - 1));
      if (d >= full / 2) d -= full;
      // t -= d, with d small and signed: t stays non-negative and its low w bits become zero.
      i64 c = -i64{d};
      for (u32& x : t) {
        c += x;
        x = static_cast<u32>(c);
        c >>= 32;
        if (c == 0) break;
      }
    }
    digits[len++] = static_cast<std::int8_t>(d);
    for (int i = 0; i < 8; ++i) t[i] = (t[i] >> 1) | (t[i + 1] << 31);
    t[8] >>= 1;
  }
  return len;
}

// The affine odd multiples 1G, 3G, ..., (2*kTableG-1)G, built once (4 KiB).
struct GTable {
  Affine pts[kTableG];
};

// Converts Jacobian points (none at infinity) to affine with one field inversion (Montgomery's trick).
template <int Count>
void batch_to_affine(const Jacobian (&in)[Count], Affine (&out)[Count]) noexcept {
  U256 prefix[Count];  // prefix[i] = Z_0 * ... * Z_i
  prefix[0] = in[0].z;
  for (int i = 1; i < Count; ++i) prefix[i] = fe_mul(prefix[i - 1], in[i].z);
  U256 inv = fe_inv(prefix[Count - 1]);  // (Z_0 * ... * Z_i)^-1, for i going down
  for (int i = Count - 1; i >= 0; --i) {
    const U256 zi = i > 0 ? fe_mul(inv, prefix[i - 1]) : inv;
    if (i > 0) inv = fe_mul(inv, in[i].z);
    const U256 zi2 = fe_sqr(zi);
    out[i] = {fe_mul(in[i].x, zi2), fe_mul(in[i].y, fe_mul(zi2, zi))};
  }
}

GTable build_g_table() noexcept {
  Jacobian jac[kTableG];
  jac[0] = {kGx, kGy, kOne};
  const Cached g2 = make_cached(dbl(jac[0]));
  for (int i = 1; i < kTableG; ++i) jac[i] = add_cached(jac[i - 1], g2);
  GTable t;
  batch_to_affine(jac, t.pts);
  return t;
}

// Thread-safe lazy construction: C++11 guarantees a function-local static is initialised exactly once.
const GTable& g_table() noexcept {
  static const GTable table = build_g_table();
  return table;
}

// u1*G + u2*Q (Q omitted when q is null) by interleaved wNAF: one chain of doublings from the top digit down,
// adding the table entry for each nonzero digit of either scalar.
Jacobian mul_double(const U256& u1, const U256& u2, const Affine* q) noexcept {
  std::int8_t naf1[kMaxDigits] = {};
  std::int8_t naf2[kMaxDigits] = {};
  const int len1 = wnaf(u1, kWindowG, naf1);
  const int len2 = q != nullptr ? wnaf(u2, kWindowQ, naf2) : 0;

  Cached qt[kTableQ];
  if (len2 > 0) {
    const Jacobian q1 = {q->x, q->y, kOne};
    const Cached q2 = make_cached(dbl(q1));
    qt[0] = make_cached(q1);
    for (int i = 1; i < kTableQ; ++i) qt[i] = make_cached(add_cached(qt[i - 1].p, q2));
  }
  const GTable& gt = g_table();

  Jacobian r = kInfinity;
  for (int i = (len1 > len2 ? len1 : len2) - 1; i >= 0; --i) {
    r = dbl(r);
    if (const int d = naf1[i]; d != 0) {
      const Affine& a = gt.pts[(d > 0 ? d : -d) / 2];
      r = add_affine(r, d > 0 ? a : Affine{a.x, fe_neg(a.y)});
    }
    if (const int d = naf2[i]; d != 0) {
      const Cached& c = qt[(d > 0 ? d : -d) / 2];
      if (d > 0) {
        r = add_cached(r, c);
      } else {
        Cached neg = c;
        neg.p.y = fe_neg(c.p.y);
        r = add_cached(r, neg);
      }
    }
  }
  return r;
}

}  // namespace

bool on_curve(const std::uint8_t x[32], const std::uint8_t y[32]) noexcept {
  const U256 px = load_be(x);
  const U256 py = load_be(y);
  if (geq(px, kP) || geq(py, kP)) return false;
  return fe_on_curve(px, py);  // (0, 0) and every other non-point fail here; infinity has no affine encoding
}

bool verify(const std::uint8_t x[32], const std::uint8_t y[32], const std::uint8_t digest[32],
            const std::uint8_t r_bytes[32], const std::uint8_t s_bytes[32]) noexcept {
  const U256 r = load_be(r_bytes);
  const U256 s = load_be(s_bytes);
  if (!sc_in_range(r) || !sc_in_range(s)) return false;
  if (!on_curve(x, y)) return false;
  const Affine q = {load_be(x), load_be(y)};

  const U256 e = sc_reduce_once(load_be(digest));  // a 256-bit digest may exceed n
  const U256 w = sc_inv(s);
  const U256 u1 = sc_mul(e, w);
  const U256 u2 = sc_mul(r, w);
  const Jacobian big_r = mul_double(u1, u2, &q);
  if (is_infinity(big_r)) return false;

  // x(R) = X/Z^2 is in [0, p) and p < 2n, so x(R) mod n == r exactly when x(R) is r, or r + n if that is < p.
  // Compare r*Z^2 with X instead of inverting Z.
  const U256 zz = fe_sqr(big_r.z);
  if (equal(fe_mul(r, zz), big_r.x)) return true;  // r < n < p is a valid field element
  U256 r_plus_n;
  if (add_raw(r_plus_n, r, kN) != 0 || geq(r_plus_n, kP)) return false;
  return equal(fe_mul(r_plus_n, zz), big_r.x);
}

namespace detail {

bool public_key_for_test(const std::uint8_t d[32], std::uint8_t x[32], std::uint8_t y[32]) noexcept {
  const U256 k = load_be(d);
  if (!sc_in_range(k)) return false;
  const Affine a = to_affine(mul_double(k, kZero, nullptr));
  store_be(a.x, x);
  store_be(a.y, y);
  return true;
}

bool sign_for_test(const std::uint8_t d[32], const std::uint8_t k[32], const std::uint8_t digest[32],
                   std::uint8_t r_out[32], std::uint8_t s_out[32]) noexcept {
  const U256 dk = load_be(d);
  const U256 kk = load_be(k);
  if (!sc_in_range(dk) || !sc_in_range(kk)) return false;
  const Affine big_r = to_affine(mul_double(kk, kZero, nullptr));
  const U256 r = sc_reduce_once(big_r.x);
  if (is_zero(r)) return false;
  const U256 e = sc_reduce_once(load_be(digest));
  const U256 s = sc_mul(sc_inv(kk), sc_add(e, sc_mul(r, dk)));
  if (is_zero(s)) return false;
  store_be(r, r_out);
  store_be(s, s_out);
  return true;
}

bool mul_add_for_test(const std::uint8_t u1[32], const std::uint8_t u2[32], const std::uint8_t qx[32],
                      const std::uint8_t qy[32], std::uint8_t x[32], std::uint8_t y[32]) noexcept {
  const U256 a = load_be(u1);
  const U256 b = load_be(u2);
  if (geq(a, kN) || geq(b, kN) || !on_curve(qx, qy)) return false;
  const Affine q = {load_be(qx), load_be(qy)};
  const Jacobian sum = mul_double(a, b, &q);
  if (is_infinity(sum)) return false;
  const Affine out = to_affine(sum);
  store_be(out.x, x);
  store_be(out.y, y);
  return true;
}

}  // namespace detail

}  // namespace edgepg::crypto::p256

#undef EDGEPG_P256_UNROLL
#undef EDGEPG_P256_INLINE
