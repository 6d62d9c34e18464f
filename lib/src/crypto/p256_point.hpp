// P-256 arithmetic, part 3 of 3: points, tables of odd multiples and u1*G + u2*Q (sections 4 and 5 of the layout
// in p256.cpp).
// Internal to the P-256 code: included by p256.cpp (verification, in the library) and by the unit tests' signer
// (tests/unit/support/p256_signer.cpp), nowhere else. Everything is in an anonymous namespace on purpose: each
// includer compiles its own copy under its own EDGEPG_P256_LIMB64, so no inline function is ever merged across
// translation units that might have been configured differently.
#pragma once

#include "crypto/p256_field.hpp"
#include "crypto/p256_scalar.hpp"

namespace edgepg::crypto::p256 {
namespace {

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

// What a prepared key holds (p256.cpp's PreparedKey is exactly this, so its size is the memory cost of one key).
struct KeyTables {
  Tables<kWindowQ> tables;  // odd multiples of Q and of 2^128 Q
};

// The affine point (x, y) when it is on the curve.
bool decode_point(const std::uint8_t x[32], const std::uint8_t y[32], Affine& out) noexcept {
  const U256 px = load_be(x);
  const U256 py = load_be(y);
  if (geq(px, kP) || geq(py, kP)) return false;
  out = {fe_from_u256(px), fe_from_u256(py)};
  return fe_on_curve(out.x, out.y);  // (0, 0) and every other non-point fail here; infinity has no affine encoding
}

}  // namespace
}  // namespace edgepg::crypto::p256
