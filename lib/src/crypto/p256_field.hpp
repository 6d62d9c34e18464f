// P-256 arithmetic, part 1 of 3: 256-bit integers and the field GF(p) (sections 1 and 2 of the layout in p256.cpp).
// Internal to the P-256 code: included by p256.cpp (verification, in the library) and by the unit tests' signer
// (tests/unit/support/p256_signer.cpp), nowhere else. Everything is in an anonymous namespace on purpose: each
// includer compiles its own copy under its own EDGEPG_P256_LIMB64, so no inline function is ever merged across
// translation units that might have been configured differently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#if defined(EDGEPG_P256_LIMB64) && defined(__x86_64__)
#include <x86intrin.h>
#endif

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

constexpr bool is_zero(const U256& a) noexcept {
  u32 acc = 0;
  EDGEPG_P256_UNROLL
  for (u32 x : a.w) acc |= x;
  return acc == 0;
}

[[maybe_unused]] constexpr bool equal(const U256& a, const U256& b) noexcept {  // unused with 64-bit limbs
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

// (a + b) mod m and (a - b) mod m for a, b < m: one conditional correction each. The field's 32-bit layer uses
// them, and so does the tests' signer for sums of scalars mod n; verification on the 64-bit layer needs neither
// (hence [[maybe_unused]]).
[[maybe_unused]] U256 add_mod(const U256& a, const U256& b, const U256& m) noexcept {
  U256 r;
  if (add_raw(r, a, b) != 0 || geq(r, m)) sub_raw(r, r, m);
  return r;
}

[[maybe_unused]] U256 sub_mod(const U256& a, const U256& b, const U256& m) noexcept {
  U256 r;
  if (sub_raw(r, a, b) != 0) add_raw(r, r, m);
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// 2. The field GF(p), behind one small interface shared by both layouts:
//      Fe, kFeZero, kFeOne, kFeB, fe_from_u256 (for a < p), fe_to_u256, fe_is_zero, fe_equal,
//      fe_add, fe_sub, fe_neg, fe_half, fe_mul, fe_sqr
//    Every Fe is kept fully reduced (a unique representation), so equality and zero tests compare limbs.
// ---------------------------------------------------------------------------------------------------------------

#ifdef EDGEPG_P256_LIMB64

// 2a. Native 64-bit builds: 4 x 64-bit limbs with 128-bit products, in Montgomery form (a is held as a*2^256 mod p).
// p = -1 (mod 2^64), so -p^-1 = 1 (mod 2^64): each reduction step's multiplier is the low limb itself.
__extension__ typedef unsigned __int128 u128;  // __extension__: GCC/clang accept it under -Wpedantic

struct Fe {
  u64 v[4];
};

constexpr u64 kP64[4] = {0xFFFFFFFFFFFFFFFFull, 0x00000000FFFFFFFFull, 0, 0xFFFFFFFF00000001ull};

// Add and subtract with carry: x86-64's ADC/SBB through their intrinsics (GCC builds long carry chains from them,
// but not from 128-bit sums), the 128-bit form elsewhere and in constant evaluation.
EDGEPG_P256_INLINE constexpr u64 addc(u64 a, u64 b, u64& carry) noexcept {
#ifdef __x86_64__
  if (!std::is_constant_evaluated()) {
    unsigned long long r = 0;
    carry = _addcarry_u64(static_cast<unsigned char>(carry), a, b, &r);
    return r;
  }
#endif
  const u128 t = u128{a} + b + carry;
  carry = static_cast<u64>(t >> 64);
  return static_cast<u64>(t);
}

EDGEPG_P256_INLINE constexpr u64 subb(u64 a, u64 b, u64& borrow) noexcept {
#ifdef __x86_64__
  if (!std::is_constant_evaluated()) {
    unsigned long long r = 0;
    borrow = _subborrow_u64(static_cast<unsigned char>(borrow), a, b, &r);
    return r;
  }
#endif
  const u128 t = u128{a} - b - borrow;
  borrow = static_cast<u64>(t >> 64) & 1;
  return static_cast<u64>(t);
}

// a - p when that does not borrow (or when a carry `hi` out of 2^256 absorbs the borrow), else a: for a < 2p.
// Selected with a mask, not a branch: the condition is data-dependent and a mispredicted branch costs more than
// the whole addition.
EDGEPG_P256_INLINE constexpr Fe fe_reduce_once(const u64 a[4], u64 hi) noexcept {
  u64 s[4] = {};
  u64 borrow = 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 4; ++i) s[i] = subb(a[i], kP64[i], borrow);
  subb(hi, 0, borrow);  // borrow is now 0 exactly when hi:a >= p
  const u64 keep = 0 - borrow;
  Fe r{};
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 4; ++i) r.v[i] = (a[i] & keep) | (s[i] & ~keep);
  return r;
}

constexpr Fe fe_add(const Fe& a, const Fe& b) noexcept {
  u64 r[4] = {};
  u64 carry = 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 4; ++i) r[i] = addc(a.v[i], b.v[i], carry);
  return fe_reduce_once(r, carry);
}

constexpr Fe fe_sub(const Fe& a, const Fe& b) noexcept {
  Fe r{};
  u64 borrow = 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 4; ++i) r.v[i] = subb(a.v[i], b.v[i], borrow);
  const u64 mask = 0 - borrow;  // add p back when a < b, without a branch
  u64 carry = 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 4; ++i) r.v[i] = addc(r.v[i], kP64[i] & mask, carry);
  return r;
}

// a/2 mod p: a + p when a is odd (masked, no branch), then one shift right with the carry shifted back in.
constexpr Fe fe_half(const Fe& a) noexcept {
  const u64 mask = 0 - (a.v[0] & 1);
  u64 t[4] = {};
  u64 carry = 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 4; ++i) t[i] = addc(a.v[i], kP64[i] & mask, carry);
  Fe r{};
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 3; ++i) r.v[i] = (t[i] >> 1) | (t[i + 1] << 63);
  r.v[3] = (t[3] >> 1) | (carry << 63);
  return r;
}

// Montgomery reduction t*2^-256 mod p of a 512-bit t < p^2 (t[8] = 0 on entry): four steps, each adding m*p with
// m = t[i] (as -p^-1 = 1 mod 2^64) so that limb i becomes zero. p's shape makes m*p cheap: m*p = m*2^96 - m +
// m*p[3]*2^192, so a step is one multiplication (m*p[3]) and shifted additions; t[i] - m = 0 exactly. The result
// (t + M*p) / 2^256 < (p^2 + 2^256 p) / 2^256 < 2p, then one conditional subtraction.
EDGEPG_P256_INLINE constexpr Fe mont_reduce(u64 t[9]) noexcept {
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 4; ++i) {
    const u64 m = t[i];
    const u128 mp3 = u128{m} * kP64[3];
    u64 carry = 0;
    t[i + 1] = addc(t[i + 1], m << 32, carry);
    t[i + 2] = addc(t[i + 2], m >> 32, carry);
    t[i + 3] = addc(t[i + 3], static_cast<u64>(mp3), carry);
    t[i + 4] = addc(t[i + 4], static_cast<u64>(mp3 >> 64), carry);
    EDGEPG_P256_UNROLL
    for (int k = i + 5; k < 9; ++k) t[k] = addc(t[k], 0, carry);
  }
  return fe_reduce_once(t + 4, t[8]);
}

// Montgomery product a*b*2^-256 mod p for a, b < p: the 512-bit product (schoolbook, 16 multiplications), reduced.
constexpr Fe fe_mul(const Fe& a, const Fe& b) noexcept {
  u64 t[9] = {};
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 4; ++i) {
    u64 hi = 0;
    EDGEPG_P256_UNROLL
    for (int j = 0; j < 4; ++j) {
      const u128 prod = u128{a.v[j]} * b.v[i] + t[i + j] + hi;  // < 2^128: (2^64-1)^2 + 2(2^64-1)
      t[i + j] = static_cast<u64>(prod);
      hi = static_cast<u64>(prod >> 64);
    }
    t[i + 4] = hi;
  }
  return mont_reduce(t);
}

// Montgomery square: the 6 cross products a_i*a_j (i < j) once, doubled by a shift, plus the 4 squares a_i^2.
constexpr Fe fe_sqr(const Fe& a) noexcept {
  u64 t[9] = {};
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 3; ++i) {
    u64 hi = 0;
    EDGEPG_P256_UNROLL
    for (int j = i + 1; j < 4; ++j) {
      const u128 prod = u128{a.v[i]} * a.v[j] + t[i + j] + hi;
      t[i + j] = static_cast<u64>(prod);
      hi = static_cast<u64>(prod >> 64);
    }
    t[i + 4] = hi;
  }
  // t[1..6] holds the cross sum (< 2^447); doubling it fills t[1..7].
  t[7] = t[6] >> 63;
  EDGEPG_P256_UNROLL
  for (int k = 6; k > 1; --k) t[k] = (t[k] << 1) | (t[k - 1] >> 63);
  t[1] <<= 1;
  u64 carry = 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 4; ++i) {
    const u128 sq = u128{a.v[i]} * a.v[i];
    t[2 * i] = addc(t[2 * i], static_cast<u64>(sq), carry);
    t[2 * i + 1] = addc(t[2 * i + 1], static_cast<u64>(sq >> 64), carry);
  }
  return mont_reduce(t);
}

constexpr bool fe_is_zero(const Fe& a) noexcept { return (a.v[0] | a.v[1] | a.v[2] | a.v[3]) == 0; }

constexpr bool fe_equal(const Fe& a, const Fe& b) noexcept {
  return ((a.v[0] ^ b.v[0]) | (a.v[1] ^ b.v[1]) | (a.v[2] ^ b.v[2]) | (a.v[3] ^ b.v[3])) == 0;
}

// 2^512 mod p (R^2 for the conversion into Montgomery form): R mod p = 2^256 - p, doubled 256 times mod p.
constexpr U256 montgomery_rr_p() {
  U256 x{};
  sub_raw(x, kZero, kP);
  for (int i = 0; i < 256; ++i) {
    U256 d{};
    if (add_raw(d, x, x) != 0 || geq(d, kP)) sub_raw(d, d, kP);
    x = d;
  }
  return x;
}

constexpr Fe pack(const U256& a) noexcept {
  Fe r{};
  for (int i = 0; i < 4; ++i) r.v[i] = u64{a.w[2 * i]} | (u64{a.w[2 * i + 1]} << 32);
  return r;
}

constexpr Fe kRRp = pack(montgomery_rr_p());

// a < p into Montgomery form, and back.
constexpr Fe fe_from_u256(const U256& a) noexcept { return fe_mul(pack(a), kRRp); }

constexpr U256 fe_to_u256(const Fe& a) noexcept {
  const Fe x = fe_mul(a, Fe{{1, 0, 0, 0}});
  U256 r{};
  for (int i = 0; i < 4; ++i) {
    r.w[2 * i] = static_cast<u32>(x.v[i]);
    r.w[2 * i + 1] = static_cast<u32>(x.v[i] >> 32);
  }
  return r;
}

#else

// 2b. Portable builds (wasm32): 8 x 32-bit limbs with 64-bit products, the plain value (no Montgomery form).
using Fe = U256;

U256 fe_add(const U256& a, const U256& b) noexcept { return add_mod(a, b, kP); }

U256 fe_sub(const U256& a, const U256& b) noexcept { return sub_mod(a, b, kP); }

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

// a/2 mod p: a + p when a is odd, then one shift right with the carry shifted back in.
Fe fe_half(const Fe& a) noexcept {
  U256 t = a;
  const u32 carry = (a.w[0] & 1) != 0 ? add_raw(t, a, kP) : 0;
  EDGEPG_P256_UNROLL
  for (int i = 0; i < 7; ++i) t.w[i] = (t.w[i] >> 1) | (t.w[i + 1] << 31);
  t.w[7] = (t.w[7] >> 1) | (carry << 31);
  return t;
}

constexpr bool fe_is_zero(const Fe& a) noexcept { return is_zero(a); }
constexpr bool fe_equal(const Fe& a, const Fe& b) noexcept { return equal(a, b); }
constexpr Fe fe_from_u256(const U256& a) noexcept { return a; }
constexpr U256 fe_to_u256(const Fe& a) noexcept { return a; }

#endif

// 2c. Shared by both layouts.
constexpr Fe kFeZero = fe_from_u256(kZero);
constexpr Fe kFeOne = fe_from_u256(kOne);
constexpr Fe kFeB = fe_from_u256(kB);

Fe fe_neg(const Fe& a) noexcept { return fe_sub(kFeZero, a); }

Fe fe_sqr_n(Fe a, int times) noexcept {
  for (int i = 0; i < times; ++i) a = fe_sqr(a);
  return a;
}

// a^-1 = a^(p-2) (Fermat) by an addition chain: 255 squarings and 13 multiplications.
// p - 2 = ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff fffffffd (hex, 32-bit words).
// x_k below is a^(2^k - 1), i.e. k one bits. a must be nonzero (0 maps to 0).
Fe fe_inv(const Fe& a) noexcept {
  const Fe x2 = fe_mul(fe_sqr(a), a);
  const Fe x3 = fe_mul(fe_sqr(x2), a);
  const Fe x6 = fe_mul(fe_sqr_n(x3, 3), x3);
  const Fe x12 = fe_mul(fe_sqr_n(x6, 6), x6);
  const Fe x15 = fe_mul(fe_sqr_n(x12, 3), x3);
  const Fe x30 = fe_mul(fe_sqr_n(x15, 15), x15);
  const Fe x32 = fe_mul(fe_sqr_n(x30, 2), x2);
  Fe t = fe_mul(fe_sqr_n(x32, 32), a);  // ffffffff 00000001
  t = fe_mul(fe_sqr_n(t, 128), x32);    // ... 00000000 00000000 00000000 ffffffff
  t = fe_mul(fe_sqr_n(t, 32), x32);     // ... ffffffff
  t = fe_mul(fe_sqr_n(t, 30), x30);     // ... then 30 ones
  return fe_mul(fe_sqr_n(t, 2), a);     // ... then 01: the last word is fffffffd
}

// y^2 == x^3 - 3x + b, for x, y already < p.
bool fe_on_curve(const Fe& x, const Fe& y) noexcept {
  const Fe x3 = fe_mul(fe_sqr(x), x);
  const Fe three_x = fe_add(fe_add(x, x), x);
  const Fe rhs = fe_add(fe_sub(x3, three_x), kFeB);
  return fe_equal(fe_sqr(y), rhs);
}

}  // namespace
}  // namespace edgepg::crypto::p256
