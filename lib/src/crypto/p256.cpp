// ECDSA P-256 verification in C++20 (see p256.hpp). VARIABLE-TIME by design: every input is public.
//
// Layout of this file:
//   1. 256-bit integers as 8 little-endian 32-bit limbs (parsing, range checks, scalars).
//   2. The field GF(p) behind one small interface (Fe, fe_add, fe_sub, fe_neg, fe_half, fe_mul, fe_sqr, conversions,
//      equality), in one of two layouts:
//        EDGEPG_P256_LIMB64 (native): 4 x 64-bit limbs with 128-bit products, Montgomery form; p = -1 mod 2^64
//          makes each reduction step one multiplication plus shifted additions.
//        otherwise (wasm32): 8 x 32-bit limbs with 64-bit products (wasm32 has 32x32->64, not 64x64->128),
//          schoolbook columns reduced with the NIST/Solinas fast reduction (FIPS 186-4 §D.2.3).
//      Elements are kept fully reduced (canonical, in [0, p)), so equality and zero tests are limb comparisons.
//   3. Scalars mod n: Montgomery multiplication (CIOS) and a binary extended Euclid inverse on 64-bit words.
//   4. Points in Jacobian coordinates (x = X/Z^2, y = Y/Z^3; Z = 0 is the point at infinity) with the
//      Explicit-Formulas Database (EFD) formulas named at each function.
//   5. Tables of affine odd multiples of P and 2^128*P (static for G, per prepared key for Q), and u1*G + u2*Q by
//      interleaved width-w NAF over the four 128-bit half-scalars: one shared chain of about 128 doublings.
//   6. The API.
#include "crypto/p256.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
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

// (a + b) mod m and (a - b) mod m for a, b < m: one conditional correction each. The field (32-bit layer) and the
// scalars mod n both use them.
U256 add_mod(const U256& a, const U256& b, const U256& m) noexcept {
  U256 r;
  if (add_raw(r, a, b) != 0 || geq(r, m)) sub_raw(r, r, m);
  return r;
}

U256 sub_mod(const U256& a, const U256& b, const U256& m) noexcept {
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
  t = fe_mul(fe_sqr_n(t, 128), x32);      // ... 00000000 00000000 00000000 ffffffff
  t = fe_mul(fe_sqr_n(t, 32), x32);       // ... ffffffff
  t = fe_mul(fe_sqr_n(t, 30), x30);       // ... then 30 ones
  return fe_mul(fe_sqr_n(t, 2), a);       // ... then 01: the last word is fffffffd
}

// y^2 == x^3 - 3x + b, for x, y already < p.
bool fe_on_curve(const Fe& x, const Fe& y) noexcept {
  const Fe x3 = fe_mul(fe_sqr(x), x);
  const Fe three_x = fe_add(fe_add(x, x), x);
  const Fe rhs = fe_add(fe_sub(x3, three_x), kFeB);
  return fe_equal(fe_sqr(y), rhs);
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

U256 sc_add(const U256& a, const U256& b) noexcept { return add_mod(a, b, kN); }

U256 sc_sub(const U256& a, const U256& b) noexcept { return sub_mod(a, b, kN); }

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

// The inverse below works on 4 x 64-bit limbs in every build: it needs only 64-bit additions and shifts, which
// wasm has natively (only 64x64->128 products are missing there), so it does half the limb operations of U256.
struct Wide {
  u64 v[4];
};

Wide to_wide(const U256& a) noexcept {
  Wide r{};
  for (int i = 0; i < 4; ++i) r.v[i] = u64{a.w[2 * i]} | (u64{a.w[2 * i + 1]} << 32);
  return r;
}

U256 from_wide(const Wide& a) noexcept {
  U256 r{};
  for (int i = 0; i < 4; ++i) {
    r.w[2 * i] = static_cast<u32>(a.v[i]);
    r.w[2 * i + 1] = static_cast<u32>(a.v[i] >> 32);
  }
  return r;
}

// r = a + b mod 2^256; returns the carry out.
u64 wide_add(Wide& r, const Wide& a, const Wide& b) noexcept {
  u64 carry = 0;
  for (int i = 0; i < 4; ++i) {
    const u64 t = a.v[i] + carry;
    const u64 c1 = static_cast<u64>(t < carry);
    r.v[i] = t + b.v[i];
    carry = c1 | static_cast<u64>(r.v[i] < t);
  }
  return carry;
}

// r = a - b mod 2^256; returns the borrow out.
u64 wide_sub(Wide& r, const Wide& a, const Wide& b) noexcept {
  u64 borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const u64 t = a.v[i] - b.v[i];
    const u64 b1 = static_cast<u64>(a.v[i] < b.v[i]);
    r.v[i] = t - borrow;
    borrow = b1 | static_cast<u64>(t < borrow);
  }
  return borrow;
}

bool wide_geq(const Wide& a, const Wide& b) noexcept {
  for (int i = 3; i >= 0; --i) {
    if (a.v[i] != b.v[i]) return a.v[i] > b.v[i];
  }
  return true;
}

bool wide_is_one(const Wide& a) noexcept { return ((a.v[0] ^ 1) | a.v[1] | a.v[2] | a.v[3]) == 0; }

// a >>= 1, shifting `top` (0 or 1) into bit 255.
void wide_shr1(Wide& a, u64 top) noexcept {
  for (int i = 0; i < 3; ++i) a.v[i] = (a.v[i] >> 1) | (a.v[i + 1] << 63);
  a.v[3] = (a.v[3] >> 1) | (top << 63);
}

// x = x/2^k mod n for x < n, one bit at a time: add n first when x is odd (the sum's 257th bit is shifted back
// in). The addition of n is masked rather than branched on, as x's parity is unpredictable.
void wide_half_mod_n(Wide& x, const Wide& n, int k) noexcept {
  for (; k > 0; --k) {
    const u64 mask = 0 - (x.v[0] & 1);
    const Wide masked = {{n.v[0] & mask, n.v[1] & mask, n.v[2] & mask, n.v[3] & mask}};
    const u64 top = wide_add(x, x, masked);
    wide_shr1(x, top);
  }
}

// Strips the trailing zero bits of u (nonzero) and returns how many there were.
int wide_strip_zeros(Wide& u) noexcept {
  int k = 0;
  while (u.v[0] == 0 && k < 192) {  // rare: 64 zero bits at once (u is never 0: gcd(a, n) = 1)
    u.v[0] = u.v[1];
    u.v[1] = u.v[2];
    u.v[2] = u.v[3];
    u.v[3] = 0;
    k += 64;
  }
  const int z = __builtin_ctzll(u.v[0]);
  if (z != 0) {
    for (int i = 0; i < 3; ++i) u.v[i] = (u.v[i] >> z) | (u.v[i + 1] << (64 - z));
    u.v[3] >>= z;
  }
  return k + z;
}

// x = x - y mod n for x, y < n.
void wide_sub_mod_n(Wide& x, const Wide& y, const Wide& n) noexcept {
  if (wide_sub(x, x, y) != 0) wide_add(x, x, n);
}

// a^-1 mod n for a in [1, n-1], by the binary extended Euclidean algorithm (Guide to Elliptic Curve Cryptography,
// Hankerson-Menezes-Vanstone, Algorithm 2.22). Invariants: x1*a = u and x2*a = v (mod n). Variable-time, which is
// fine for public s; far cheaper than Fermat's a^(n-2).
U256 sc_inv(const U256& a) noexcept {
  const Wide n = to_wide(kN);
  Wide u = to_wide(a);
  Wide v = n;
  Wide x1 = {{1, 0, 0, 0}};
  Wide x2 = {{0, 0, 0, 0}};
  while (!wide_is_one(u) && !wide_is_one(v)) {
    wide_half_mod_n(x1, n, wide_strip_zeros(u));
    wide_half_mod_n(x2, n, wide_strip_zeros(v));
    if (wide_geq(u, v)) {
      wide_sub(u, u, v);
      wide_sub_mod_n(x1, x2, n);
    } else {
      wide_sub(v, v, u);
      wide_sub_mod_n(x2, x1, n);
    }
  }
  return from_wide(wide_is_one(u) ? x1 : x2);
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Points
// ---------------------------------------------------------------------------------------------------------------

struct Affine {
  Fe x, y;
};

// Jacobian (X, Y, Z) stands for (X/Z^2, Y/Z^3); Z = 0 is the point at infinity.
struct Jacobian {
  Fe x, y, z;
};

// A Jacobian point with Z^2 and Z^3 precomputed, for a point added many times (2P while tables are built).
struct Cached {
  Jacobian p;
  Fe zz, zzz;
};

constexpr Jacobian kInfinity = {kFeOne, kFeOne, kFeZero};

bool is_infinity(const Jacobian& p) noexcept { return fe_is_zero(p.z); }

Cached make_cached(const Jacobian& p) noexcept {
  const Fe zz = fe_sqr(p.z);
  return {p, zz, fe_mul(zz, p.z)};
}

// 2P for a = -3 (4M + 4S and 11 additions; the arrangement of OpenSSL's ecp_nistz256_point_double, which trades
// one squaring of EFD "dbl-2001-b" for a multiplication to save five additions):
//   S = (2*Y1)^2 = 4*Y1^2, M = 3*(X1 - Z1^2)*(X1 + Z1^2), T = S^2 / 2 = 8*Y1^4, V = S*X1 = 4*X1*Y1^2
//   X3 = M^2 - 2*V, Y3 = M*(V - X3) - T, Z3 = 2*Y1*Z1
// P-256 has prime order, so no finite point has Y = 0; infinity doubles to itself.
Jacobian dbl(const Jacobian& p) noexcept {
  if (is_infinity(p)) return p;
  const Fe zz = fe_sqr(p.z);
  const Fe y2 = fe_add(p.y, p.y);
  const Fe s = fe_sqr(y2);
  const Fe yz = fe_mul(p.y, p.z);
  Fe m = fe_mul(fe_add(p.x, zz), fe_sub(p.x, zz));
  m = fe_add(fe_add(m, m), m);
  const Fe t = fe_half(fe_sqr(s));
  const Fe v = fe_mul(s, p.x);
  Jacobian r;
  r.x = fe_sub(fe_sqr(m), fe_add(v, v));
  r.y = fe_sub(fe_mul(m, fe_sub(v, r.x)), t);
  r.z = fe_add(yz, yz);
  return r;
}

// P + Q with Q affine, EFD "madd-2007-bl" (7M + 4S, Z3 written as the equal 2*Z1*H):
//   Z1Z1 = Z1^2, U2 = X2*Z1Z1, S2 = Y2*Z1*Z1Z1, H = U2 - X1, HH = H^2, I = 4*HH, J = H*I, r = 2*(S2 - Y1),
//   V = X1*I, X3 = r^2 - J - 2*V, Y3 = r*(V - X3) - 2*Y1*J, Z3 = 2*Z1*H
// The formula fails when H = 0 (same x): then P = Q (double) or P = -Q (infinity); both are handled here, as is
// P = infinity, since the interleaved ladder can in principle meet every case.
Jacobian add_affine(const Jacobian& p, const Affine& q) noexcept {
  if (is_infinity(p)) return {q.x, q.y, kFeOne};
  const Fe z1z1 = fe_sqr(p.z);
  const Fe u2 = fe_mul(q.x, z1z1);
  const Fe s2 = fe_mul(q.y, fe_mul(p.z, z1z1));
  const Fe h = fe_sub(u2, p.x);
  Fe rr = fe_sub(s2, p.y);
  if (fe_is_zero(h)) return fe_is_zero(rr) ? dbl(p) : kInfinity;
  rr = fe_add(rr, rr);
  const Fe hh = fe_sqr(h);
  const Fe hh2 = fe_add(hh, hh);
  const Fe i = fe_add(hh2, hh2);
  const Fe j = fe_mul(h, i);
  const Fe v = fe_mul(p.x, i);
  Jacobian r;
  r.x = fe_sub(fe_sub(fe_sqr(rr), j), fe_add(v, v));
  const Fe y1j = fe_mul(p.y, j);
  r.y = fe_sub(fe_mul(rr, fe_sub(v, r.x)), fe_add(y1j, y1j));
  const Fe z1h = fe_mul(p.z, h);
  r.z = fe_add(z1h, z1h);
  return r;
}

// P + Q, both Jacobian, Q with cached Z2^2 and Z2^3: EFD "add-2007-bl" (11M + 5S; 9M + 3S with the cache, Z3
// written as the equal 2*Z1*Z2*H):
//   U1 = X1*Z2Z2, U2 = X2*Z1Z1, S1 = Y1*Z2*Z2Z2, S2 = Y2*Z1*Z1Z1, H = U2 - U1, I = (2*H)^2, J = H*I,
//   r = 2*(S2 - S1), V = U1*I, X3 = r^2 - J - 2*V, Y3 = r*(V - X3) - 2*S1*J, Z3 = 2*Z1*Z2*H
// Special cases as in add_affine. Used only while tables are built.
Jacobian add_cached(const Jacobian& p, const Cached& q) noexcept {
  if (is_infinity(p)) return q.p;
  if (is_infinity(q.p)) return p;
  const Fe z1z1 = fe_sqr(p.z);
  const Fe u1 = fe_mul(p.x, q.zz);
  const Fe u2 = fe_mul(q.p.x, z1z1);
  const Fe s1 = fe_mul(p.y, q.zzz);
  const Fe s2 = fe_mul(q.p.y, fe_mul(p.z, z1z1));
  const Fe h = fe_sub(u2, u1);
  Fe rr = fe_sub(s2, s1);
  if (fe_is_zero(h)) return fe_is_zero(rr) ? dbl(p) : kInfinity;
  rr = fe_add(rr, rr);
  const Fe h2 = fe_add(h, h);
  const Fe i = fe_sqr(h2);
  const Fe j = fe_mul(h, i);
  const Fe v = fe_mul(u1, i);
  Jacobian r;
  r.x = fe_sub(fe_sub(fe_sqr(rr), j), fe_add(v, v));
  const Fe s1j = fe_mul(s1, j);
  r.y = fe_sub(fe_mul(rr, fe_sub(v, r.x)), fe_add(s1j, s1j));
  r.z = fe_mul(fe_mul(p.z, q.p.z), h2);
  return r;
}

Affine to_affine(const Jacobian& p) noexcept {
  const Fe zi = fe_inv(p.z);
  const Fe zi2 = fe_sqr(zi);
  return {fe_mul(p.x, zi2), fe_mul(p.y, fe_mul(zi2, zi))};
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Tables of odd multiples, and u1*G + u2*Q
// ---------------------------------------------------------------------------------------------------------------

// The scalars (< n < 2^256) are split at bit 128: u = u_lo + 2^128 u_hi with both halves < 2^128, so
// u*P = u_lo*P + u_hi*(2^128 P) and the four half-scalar multiplications share one chain of about 128 doublings.
constexpr int kSplit = 128;

// Window widths of the wNAF digits: a table of width w holds 2^(w-2) affine odd multiples (64 bytes each). Wider
// windows mean fewer additions (about 128/(w+1) per half-scalar) but bigger tables: G's two static tables are
// 16 KiB each (w = 10), a key's two tables 2 KiB each (w = 7), built once per key. (Measured natively: w = 10 for G
// instead of 8 and w = 7 for Q instead of 6 each save about 3% of a verification.)
constexpr int kWindowG = 10;
constexpr int kWindowQ = 7;
static_assert(kWindowG >= 2 && kWindowG <= 15 && kWindowQ >= 2 && kWindowQ <= 15,
              "wNAF digits are stored as int16: |d| <= 2^(w-1) - 1 must fit");
constexpr int kMaxDigits = kSplit + 1;  // a width-w NAF is at most one digit longer than the value

template <int W>
struct Tables {
  static constexpr int kCount = 1 << (W - 2);
  Affine pts[2 * kCount];  // P, 3P, ..., (2^(W-1) - 1) P, then the same odd multiples of 2^128 P
};

// Width-w NAF of k < 2^128 (Guide to ECC, Algorithm 3.35): digits[i] is 0 or odd with |digits[i]| < 2^(w-1), and
// any w consecutive digits hold at most one nonzero. digits must hold kMaxDigits zeros; returns the length used.
int wnaf(const u32 (&k)[4], int w, std::int16_t digits[kMaxDigits]) noexcept {
  u32 t[5] = {k[0], k[1], k[2], k[3], 0};
  const int full = 1 << w;
  int len = 0;
  for (;;) {
    if ((t[0] | t[1] | t[2] | t[3] | t[4]) == 0) break;
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
    digits[len++] = static_cast<std::int16_t>(d);
    for (int i = 0; i < 4; ++i) t[i] = (t[i] >> 1) | (t[i + 1] << 31);
    t[4] >>= 1;
  }
  return len;
}

// Converts Jacobian points (none at infinity) to affine with one field inversion (Montgomery's trick: prefix
// products of the Z's, one inversion, then each inverse recovered with two multiplications).
template <int Count>
void batch_to_affine(const Jacobian* in, Affine* out) noexcept {
  Fe prefix[Count];  // prefix[i] = Z_0 * ... * Z_i
  prefix[0] = in[0].z;
  for (int i = 1; i < Count; ++i) prefix[i] = fe_mul(prefix[i - 1], in[i].z);
  Fe inv = fe_inv(prefix[Count - 1]);  // (Z_0 * ... * Z_i)^-1, for i going down
  for (int i = Count - 1; i >= 0; --i) {
    const Fe zi = i > 0 ? fe_mul(inv, prefix[i - 1]) : inv;
    if (i > 0) inv = fe_mul(inv, in[i].z);
    const Fe zi2 = fe_sqr(zi);
    out[i] = {fe_mul(in[i].x, zi2), fe_mul(in[i].y, fe_mul(zi2, zi))};
  }
}

// P, 3P, ..., (2n-1) P: repeated addition of 2P. On a curve of prime order n none of them is infinity.
void odd_multiples(const Jacobian& p, Jacobian* out, int count) noexcept {
  const Cached p2 = make_cached(dbl(p));
  out[0] = p;
  for (int i = 1; i < count; ++i) out[i] = add_cached(out[i - 1], p2);
}

// Fills t from the affine point P (on the curve, so not infinity): odd multiples of P and of 2^128 P, made affine
// with one inversion for a key's tables. G's tables, 512 points, take one inversion per half (built once) so the
// Jacobian scratch on the stack stays at 24 KiB + 8 KiB.
template <int W>
void build_tables(const Affine& p, Tables<W>& t) noexcept {
  constexpr int n = Tables<W>::kCount;
  const Jacobian p1 = {p.x, p.y, kFeOne};
  Jacobian high = p1;
  for (int i = 0; i < kSplit; ++i) high = dbl(high);
  if constexpr (n <= 64) {
    Jacobian jac[2 * n];
    odd_multiples(p1, jac, n);
    odd_multiples(high, jac + n, n);
    batch_to_affine<2 * n>(jac, t.pts);
  } else {
    Jacobian jac[n];
    odd_multiples(p1, jac, n);
    batch_to_affine<n>(jac, t.pts);
    odd_multiples(high, jac, n);
    batch_to_affine<n>(jac, t.pts + n);
  }
}

// G's tables (32 KiB), built on first use. C++11 guarantees a function-local static is initialised exactly once,
// even under concurrent first calls.
struct GTables {
  Tables<kWindowG> t;
  GTables() noexcept { build_tables(Affine{fe_from_u256(kGx), fe_from_u256(kGy)}, t); }  // built in place
};

const Tables<kWindowG>& g_tables() noexcept {
  static const GTables tables;
  return tables.t;
}

// r += d * P for a nonzero wNAF digit d, with table[|d| / 2] = |d| * P.
void add_digit(Jacobian& r, int d, const Affine* table) noexcept {
  const Affine& a = table[(d > 0 ? d : -d) / 2];
  r = add_affine(r, d > 0 ? a : Affine{a.x, fe_neg(a.y)});
}

// Splits a scalar into its low and high 128-bit halves.
void split(const U256& u, u32 (&lo)[4], u32 (&hi)[4]) noexcept {
  for (int i = 0; i < 4; ++i) {
    lo[i] = u.w[i];
    hi[i] = u.w[i + 4];
  }
}

// u1*G + u2*Q (Q omitted when q is null) by interleaved wNAF over the four half-scalars: one chain of doublings
// from the top digit down, adding a table entry (an affine point: mixed addition) for each nonzero digit.
Jacobian mul_double(const U256& u1, const U256& u2, const Tables<kWindowQ>* q) noexcept {
  std::int16_t g_lo[kMaxDigits] = {};
  std::int16_t g_hi[kMaxDigits] = {};
  std::int16_t q_lo[kMaxDigits] = {};
  std::int16_t q_hi[kMaxDigits] = {};
  u32 lo[4], hi[4];
  split(u1, lo, hi);
  int top = wnaf(lo, kWindowG, g_lo);
  const int len_g_hi = wnaf(hi, kWindowG, g_hi);
  top = top > len_g_hi ? top : len_g_hi;
  if (q != nullptr) {
    split(u2, lo, hi);
    const int len_q_lo = wnaf(lo, kWindowQ, q_lo);
    const int len_q_hi = wnaf(hi, kWindowQ, q_hi);
    top = top > len_q_lo ? top : len_q_lo;
    top = top > len_q_hi ? top : len_q_hi;
  }
  const Affine* gt = g_tables().pts;
  constexpr int ng = Tables<kWindowG>::kCount;
  constexpr int nq = Tables<kWindowQ>::kCount;

  Jacobian r = kInfinity;
  for (int i = top - 1; i >= 0; --i) {
    r = dbl(r);
    if (g_lo[i] != 0) add_digit(r, g_lo[i], gt);
    if (g_hi[i] != 0) add_digit(r, g_hi[i], gt + ng);
    if (q_lo[i] != 0) add_digit(r, q_lo[i], q->pts);
    if (q_hi[i] != 0) add_digit(r, q_hi[i], q->pts + nq);
  }
  return r;
}

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

// The affine point (x, y) when it is on the curve.
bool decode_point(const std::uint8_t x[32], const std::uint8_t y[32], Affine& out) noexcept {
  const U256 px = load_be(x);
  const U256 py = load_be(y);
  if (geq(px, kP) || geq(py, kP)) return false;
  out = {fe_from_u256(px), fe_from_u256(py)};
  return fe_on_curve(out.x, out.y);  // (0, 0) and every other non-point fail here; infinity has no affine encoding
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// 6. The API
// ---------------------------------------------------------------------------------------------------------------

class PreparedKey {
 public:
  Tables<kWindowQ> tables;  // odd multiples of Q and of 2^128 Q
};

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

bool verify(const std::uint8_t x[32], const std::uint8_t y[32], const std::uint8_t digest[32],
            const std::uint8_t r[32], const std::uint8_t s[32]) noexcept {
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

namespace detail {

bool public_key_for_test(const std::uint8_t d[32], std::uint8_t x[32], std::uint8_t y[32]) noexcept {
  const U256 k = load_be(d);
  if (!sc_in_range(k)) return false;
  const Affine a = to_affine(mul_double(k, kZero, nullptr));
  store_be(fe_to_u256(a.x), x);
  store_be(fe_to_u256(a.y), y);
  return true;
}

bool sign_for_test(const std::uint8_t d[32], const std::uint8_t k[32], const std::uint8_t digest[32],
                   std::uint8_t r_out[32], std::uint8_t s_out[32]) noexcept {
  const U256 dk = load_be(d);
  const U256 kk = load_be(k);
  if (!sc_in_range(dk) || !sc_in_range(kk)) return false;
  const Affine big_r = to_affine(mul_double(kk, kZero, nullptr));
  const U256 r = sc_reduce_once(fe_to_u256(big_r.x));
  if (is_zero(r)) return false;
  const U256 e = sc_reduce_once(load_be(digest));
  const U256 s = sc_mul(sc_inv(kk), sc_add(e, sc_mul(r, dk)));
  if (is_zero(s)) return false;
  store_be(r, r_out);
  store_be(s, s_out);
  return true;
}

bool sign_with_u_for_test(const std::uint8_t k[32], const std::uint8_t digest[32], const std::uint8_t u[32],
                          bool first, std::uint8_t d_out[32], std::uint8_t r_out[32],
                          std::uint8_t s_out[32]) noexcept {
  const U256 kk = load_be(k);
  const U256 uu = load_be(u);
  const U256 e = sc_reduce_once(load_be(digest));
  if (!sc_in_range(kk) || !sc_in_range(uu) || (first && is_zero(e))) return false;
  const U256 r = sc_reduce_once(fe_to_u256(to_affine(mul_double(kk, kZero, nullptr)).x));
  if (is_zero(r)) return false;
  const U256 r_inv = sc_inv(r);
  // u2 = r/s wanted: s = r/u2, and s = (e + r d)/k gives d = k/u2 - e/r.
  // u1 = e/s wanted: s = e/u1, and s = (e + r d)/k gives d = (k e/u1 - e)/r.
  const U256 u_inv = sc_inv(uu);
  U256 d;
  U256 s;
  if (first) {
    d = sc_mul(sc_sub(sc_mul(sc_mul(kk, e), u_inv), e), r_inv);
    s = sc_mul(e, u_inv);
  } else {
    d = sc_sub(sc_mul(kk, u_inv), sc_mul(e, r_inv));
    s = sc_mul(r, u_inv);
  }
  if (is_zero(d) || is_zero(s)) return false;
  store_be(d, d_out);
  store_be(r, r_out);
  store_be(s, s_out);
  return true;
}

bool mul_add_for_test(const std::uint8_t u1[32], const std::uint8_t u2[32], const std::uint8_t qx[32],
                      const std::uint8_t qy[32], std::uint8_t x[32], std::uint8_t y[32]) noexcept {
  const U256 a = load_be(u1);
  const U256 b = load_be(u2);
  Affine q;
  if (geq(a, kN) || geq(b, kN) || !decode_point(qx, qy, q)) return false;
  PreparedKey key;
  build_tables(q, key.tables);
  const Jacobian sum = mul_double(a, b, &key.tables);
  if (is_infinity(sum)) return false;
  const Affine out = to_affine(sum);
  store_be(fe_to_u256(out.x), x);
  store_be(fe_to_u256(out.y), y);
  return true;
}

std::size_t prepared_key_size_for_test() noexcept { return sizeof(PreparedKey); }

int limb_bits_for_test() noexcept {
#ifdef EDGEPG_P256_LIMB64
  return 64;
#else
  return 32;
#endif
}

}  // namespace detail

}  // namespace edgepg::crypto::p256

#undef EDGEPG_P256_UNROLL
#undef EDGEPG_P256_INLINE
