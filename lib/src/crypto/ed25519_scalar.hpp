// Ed25519 arithmetic, part 2 of 3: scalars mod L (section 2 of the layout in ed25519.cpp).
// Internal to the Ed25519 code: included by ed25519.cpp (verification, in the library) and by the unit tests' signer
// (tests/unit/support/ed25519_signer.cpp), nowhere else. Everything is in an anonymous namespace on purpose: each
// includer compiles its own copy, so no inline function is ever merged across translation units.
#pragma once

#include "crypto/crypto.hpp"
#include "crypto/ed25519_field.hpp"

namespace edgepg::crypto::ed25519 {
namespace {

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
  split252(u, 5, u0, u1);     // u1[1] == 0
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

}  // namespace
}  // namespace edgepg::crypto::ed25519
