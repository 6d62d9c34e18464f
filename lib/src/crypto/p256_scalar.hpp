// P-256 arithmetic, part 2 of 3: scalars mod n (section 3 of the layout in p256.cpp).
// Internal to the P-256 code: included by p256.cpp (verification, in the library) and by the unit tests' signer
// (tests/unit/support/p256_signer.cpp), nowhere else. Everything is in an anonymous namespace on purpose: each
// includer compiles its own copy under its own EDGEPG_P256_LIMB64, so no inline function is ever merged across
// translation units that might have been configured differently.
#pragma once

#include "crypto/p256_field.hpp"

namespace edgepg::crypto::p256 {
namespace {

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

}  // namespace
}  // namespace edgepg::crypto::p256
