// ECDSA P-384/P-521 verification in C++20 (see nist_ecdsa.hpp). VARIABLE-TIME by design: every input is public.
//
// Layout:
//   1. Numbers of N 32-bit limbs (little-endian) and arithmetic modulo an odd m in Montgomery form (CIOS).
//   2. The curves' parameters (as printed by `openssl ecparam -param_enc explicit -text`).
//   3. Points in Jacobian coordinates (x = X/Z^2, y = Y/Z^3; Z = 0 is infinity) with the EFD formulas for a = -3.
//   4. Tables of affine odd multiples, width-w NAF digits, and u1*G + u2*Q in one chain of doublings.
//   5. The ECDSA check and the API.
// The code is generic in N (12 limbs for P-384, 17 for P-521) and deliberately plain: loops, no unrolling, since the
// wasm module's size matters more here than the last percent of ES384/ES512 speed.
#include "crypto/nist_ecdsa.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace edgepg::crypto::nist {
namespace {

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

// ---------------------------------------------------------------------------------------------------------------
// 1. Numbers and Montgomery arithmetic
// ---------------------------------------------------------------------------------------------------------------

template <int N>
struct Num {
  u32 w[N];
};

template <int N>
bool is_zero(const Num<N>& a) noexcept {
  u32 acc = 0;
  for (int i = 0; i < N; ++i) acc |= a.w[i];
  return acc == 0;
}

template <int N>
bool equal(const Num<N>& a, const Num<N>& b) noexcept {
  return std::memcmp(a.w, b.w, sizeof a.w) == 0;
}

// a >= b
template <int N>
bool geq(const Num<N>& a, const Num<N>& b) noexcept {
  for (int i = N - 1; i >= 0; --i) {
    if (a.w[i] != b.w[i]) return a.w[i] > b.w[i];
  }
  return true;
}

// r = a + b mod 2^(32N); returns the carry out.
template <int N>
u32 add_raw(Num<N>& r, const Num<N>& a, const Num<N>& b) noexcept {
  u64 carry = 0;
  for (int i = 0; i < N; ++i) {
    carry += u64{a.w[i]} + b.w[i];
    r.w[i] = static_cast<u32>(carry);
    carry >>= 32;
  }
  return static_cast<u32>(carry);
}

// r = a - b mod 2^(32N); returns the borrow out (0 or 1).
template <int N>
u32 sub_raw(Num<N>& r, const Num<N>& a, const Num<N>& b) noexcept {
  u64 borrow = 0;
  for (int i = 0; i < N; ++i) {
    const u64 t = u64{a.w[i]} - b.w[i] - borrow;
    r.w[i] = static_cast<u32>(t);
    borrow = (t >> 32) & 1;
  }
  return static_cast<u32>(borrow);
}

// Big-endian bytes into a number; false when the value needs more than N limbs.
template <int N>
bool from_be(const u8* bytes, std::size_t len, Num<N>& out) noexcept {
  out = {};
  for (std::size_t i = 0; i < len; ++i) {
    const std::size_t bit = 8 * (len - 1 - i);  // of the byte's lowest bit
    if (bytes[i] == 0) continue;
    if (bit / 32 >= static_cast<std::size_t>(N)) return false;
    out.w[bit / 32] |= u32{bytes[i]} << (bit % 32);
  }
  return true;
}

template <int N>
int bit_length(const Num<N>& a) noexcept {
  for (int i = N - 1; i >= 0; --i) {
    if (a.w[i] != 0) return 32 * i + 32 - __builtin_clz(a.w[i]);
  }
  return 0;
}

// a >>= 1
template <int N>
void halve(Num<N>& a) noexcept {
  for (int j = 0; j < N - 1; ++j) a.w[j] = (a.w[j] >> 1) | (a.w[j + 1] << 31);
  a.w[N - 1] >>= 1;
}

template <int N>
bool bit(const Num<N>& a, int i) noexcept {
  return ((a.w[i / 32] >> (i % 32)) & 1u) != 0;
}

// An odd modulus m < 2^(32N) with what Montgomery multiplication needs (R = 2^(32N)).
template <int N>
struct Modulus {
  Num<N> m{};
  u32 minus_inv = 0;  // -m^-1 mod 2^32
  Num<N> one{};       // R mod m: 1 in Montgomery form
  Num<N> r2{};        // R^2 mod m: to_mont's factor
};

// (a + b) mod m and (a - b) mod m for a, b < m.
template <int N>
Num<N> mod_add(const Num<N>& a, const Num<N>& b, const Modulus<N>& mod) noexcept {
  Num<N> r;
  const u32 carry = add_raw(r, a, b);
  if (carry != 0 || geq(r, mod.m)) sub_raw(r, r, mod.m);
  return r;
}

template <int N>
Num<N> mod_sub(const Num<N>& a, const Num<N>& b, const Modulus<N>& mod) noexcept {
  Num<N> r;
  if (sub_raw(r, a, b) != 0) add_raw(r, r, mod.m);
  return r;
}

// a * b * R^-1 mod m (coarsely integrated operand scanning), for a < R and b < m: the result is < m.
template <int N>
Num<N> mont_mul(const Num<N>& a, const Num<N>& b, const Modulus<N>& mod) noexcept {
  u32 t[N + 2] = {};
  for (int i = 0; i < N; ++i) {
    u64 carry = 0;
    for (int j = 0; j < N; ++j) {
      const u64 x = u64{a.w[j]} * b.w[i] + t[j] + carry;
      t[j] = static_cast<u32>(x);
      carry = x >> 32;
    }
    u64 x = u64{t[N]} + carry;
    t[N] = static_cast<u32>(x);
    t[N + 1] = static_cast<u32>(x >> 32);
    const u32 q = t[0] * mod.minus_inv;
    x = u64{q} * mod.m.w[0] + t[0];
    carry = x >> 32;
    for (int j = 1; j < N; ++j) {
      x = u64{q} * mod.m.w[j] + t[j] + carry;
      t[j - 1] = static_cast<u32>(x);
      carry = x >> 32;
    }
    x = u64{t[N]} + carry;
    t[N - 1] = static_cast<u32>(x);
    t[N] = t[N + 1] + static_cast<u32>(x >> 32);
  }
  Num<N> r;
  std::memcpy(r.w, t, sizeof r.w);
  if (t[N] != 0 || geq(r, mod.m)) sub_raw(r, r, mod.m);
  return r;
}

template <int N>
Modulus<N> make_modulus(const Num<N>& m) noexcept {
  Modulus<N> mod;
  mod.m = m;
  u32 inv = 1;  // Newton's iteration doubles the correct low bits: 1, 2, 4, ... 32 after five steps
  for (int i = 0; i < 5; ++i) inv *= 2 - m.w[0] * inv;
  mod.minus_inv = 0u - inv;
  Num<N> x{};
  x.w[0] = 1;
  for (int i = 0; i < 32 * N; ++i) x = mod_add(x, x, mod);  // 2^(32N) mod m
  mod.one = x;
  for (int i = 0; i < 32 * N; ++i) x = mod_add(x, x, mod);  // 2^(64N) mod m
  mod.r2 = x;
  return mod;
}

template <int N>
Num<N> to_mont(const Num<N>& a, const Modulus<N>& mod) noexcept {
  return mont_mul(a, mod.r2, mod);
}

// base^e in Montgomery form (base in Montgomery form), square and multiply from the top bit.
template <int N>
Num<N> mont_pow(const Num<N>& base, const Num<N>& e, const Modulus<N>& mod) noexcept {
  Num<N> r = mod.one;
  for (int i = bit_length(e) - 1; i >= 0; --i) {
    r = mont_mul(r, r, mod);
    if (bit(e, i)) r = mont_mul(r, base, mod);
  }
  return r;
}

// a^-1 in Montgomery form (a in Montgomery form, nonzero) by Fermat: a^(m-2), m prime.
template <int N>
Num<N> mont_inv(const Num<N>& a, const Modulus<N>& mod) noexcept {
  Num<N> two{};
  two.w[0] = 2;
  Num<N> e;
  sub_raw(e, mod.m, two);
  return mont_pow(a, e, mod);
}

// ---------------------------------------------------------------------------------------------------------------
// 2. The curves: y^2 = x^3 - 3x + b over GF(p), G of prime order n (cofactor 1)
// ---------------------------------------------------------------------------------------------------------------

struct CurveHex {
  const char* p;
  const char* n;
  const char* b;
  const char* gx;
  const char* gy;
};

constexpr CurveHex kP384Hex = {
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
    "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
    "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
    "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
};

constexpr CurveHex kP521Hex = {
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "ffffffffffffffffffffff",
    "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b889"
    "9c47aebb6fb71e91386409",
    "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d"
    "2c34f1ef451fd46b503f00",
    "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c185"
    "6a429bf97e7e31c2e5bd66",
    "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a2"
    "72c24088be94769fd16650",
};

template <int N>
Num<N> from_hex(const char* hex) noexcept {
  Num<N> r{};
  const std::size_t len = std::strlen(hex);
  for (std::size_t i = 0; i < len; ++i) {
    const char c = hex[len - 1 - i];
    const u32 v = c <= '9' ? static_cast<u32>(c - '0') : static_cast<u32>(c - 'a' + 10);
    r.w[i / 8] |= v << (4 * (i % 8));
  }
  return r;
}

// Affine point, coordinates in Montgomery form.
template <int N>
struct Affine {
  Num<N> x, y;
};

template <int N>
struct Jacobian {
  Num<N> x, y, z;  // z == 0: infinity
};

template <int N>
struct Params {
  Modulus<N> p, n;
  Num<N> b;  // Montgomery form
  Affine<N> g;
  std::size_t bytes;
  int n_bits;
};

template <int N>
Params<N> make_params(const CurveHex& hex, std::size_t bytes) noexcept {
  Params<N> c;
  c.p = make_modulus(from_hex<N>(hex.p));
  c.n = make_modulus(from_hex<N>(hex.n));
  c.b = to_mont(from_hex<N>(hex.b), c.p);
  c.g = {to_mont(from_hex<N>(hex.gx), c.p), to_mont(from_hex<N>(hex.gy), c.p)};
  c.bytes = bytes;
  c.n_bits = bit_length(c.n.m);
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Points
// ---------------------------------------------------------------------------------------------------------------

// y^2 == x^3 - 3x + b, coordinates in Montgomery form.
template <int N>
bool on_curve(const Affine<N>& a, const Params<N>& c) noexcept {
  const auto& p = c.p;
  const Num<N> yy = mont_mul(a.y, a.y, p);
  const Num<N> xx = mont_mul(a.x, a.x, p);
  Num<N> rhs = mont_mul(xx, a.x, p);
  const Num<N> x3 = mod_add(mod_add(a.x, a.x, p), a.x, p);
  rhs = mod_add(mod_sub(rhs, x3, p), c.b, p);
  return equal(yy, rhs);
}

// 2P, EFD "dbl-2001-b" (a = -3): delta = Z^2, gamma = Y^2, beta = X*gamma, alpha = 3*(X-delta)*(X+delta),
// X3 = alpha^2 - 8*beta, Z3 = (Y+Z)^2 - gamma - delta, Y3 = alpha*(4*beta - X3) - 8*gamma^2. Infinity (Z = 0) and
// a point with Y = 0 give Z3 = 0.
template <int N>
Jacobian<N> dbl(const Jacobian<N>& a, const Modulus<N>& p) noexcept {
  const Num<N> delta = mont_mul(a.z, a.z, p);
  const Num<N> gamma = mont_mul(a.y, a.y, p);
  const Num<N> beta = mont_mul(a.x, gamma, p);
  Num<N> alpha = mont_mul(mod_sub(a.x, delta, p), mod_add(a.x, delta, p), p);
  alpha = mod_add(mod_add(alpha, alpha, p), alpha, p);
  const Num<N> beta2 = mod_add(beta, beta, p);
  const Num<N> beta4 = mod_add(beta2, beta2, p);
  Jacobian<N> r;
  r.x = mod_sub(mont_mul(alpha, alpha, p), mod_add(beta4, beta4, p), p);
  const Num<N> yz = mod_add(a.y, a.z, p);
  r.z = mod_sub(mod_sub(mont_mul(yz, yz, p), gamma, p), delta, p);
  Num<N> gamma2 = mont_mul(gamma, gamma, p);
  gamma2 = mod_add(gamma2, gamma2, p);
  gamma2 = mod_add(gamma2, gamma2, p);
  gamma2 = mod_add(gamma2, gamma2, p);
  r.y = mod_sub(mont_mul(alpha, mod_sub(beta4, r.x, p), p), gamma2, p);
  return r;
}

// P + Q for an affine Q (never infinity), EFD "madd-2007-bl": Z1Z1 = Z1^2, U2 = X2*Z1Z1, S2 = Y2*Z1*Z1Z1,
// H = U2 - X1, HH = H^2, I = 4*HH, J = H*I, r = 2*(S2 - Y1), V = X1*I, X3 = r^2 - J - 2*V,
// Y3 = r*(V - X3) - 2*Y1*J, Z3 = (Z1 + H)^2 - Z1Z1 - HH. P = Q doubles; P = -Q gives infinity.
template <int N>
Jacobian<N> add_affine(const Jacobian<N>& a, const Affine<N>& b, const Modulus<N>& p) noexcept {
  if (is_zero(a.z)) return {b.x, b.y, p.one};
  const Num<N> z1z1 = mont_mul(a.z, a.z, p);
  const Num<N> u2 = mont_mul(b.x, z1z1, p);
  const Num<N> s2 = mont_mul(b.y, mont_mul(a.z, z1z1, p), p);
  const Num<N> h = mod_sub(u2, a.x, p);
  Num<N> rr = mod_sub(s2, a.y, p);
  if (is_zero(h)) {
    if (is_zero(rr)) return dbl(a, p);
    return {p.one, p.one, Num<N>{}};
  }
  rr = mod_add(rr, rr, p);
  const Num<N> hh = mont_mul(h, h, p);
  Num<N> i = mod_add(hh, hh, p);
  i = mod_add(i, i, p);
  const Num<N> j = mont_mul(h, i, p);
  const Num<N> v = mont_mul(a.x, i, p);
  Jacobian<N> r;
  r.x = mod_sub(mod_sub(mont_mul(rr, rr, p), j, p), mod_add(v, v, p), p);
  const Num<N> y1j = mont_mul(a.y, j, p);
  r.y = mod_sub(mont_mul(rr, mod_sub(v, r.x, p), p), mod_add(y1j, y1j, p), p);
  const Num<N> zh = mod_add(a.z, h, p);
  r.z = mod_sub(mod_sub(mont_mul(zh, zh, p), z1z1, p), hh, p);
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Tables, NAF digits, u1*G + u2*Q
// ---------------------------------------------------------------------------------------------------------------

// Width-w NAF tables hold the affine odd multiples P, 3P, ..., (2^(w-1) - 1)P.
constexpr int kWindowG = 7;  // 32 points of G, built once per curve
constexpr int kWindowQ = 5;  // 8 points of each key

template <int N>
using Table = std::vector<Affine<N>>;

// The odd multiples of P, made affine with one inversion (Montgomery's trick). Infinity never occurs: the curve's
// order is prime and larger than any multiple built here.
template <int N>
Table<N> odd_multiples(const Affine<N>& pt, int window, const Modulus<N>& p) {
  const std::size_t count = std::size_t{1} << (window - 2);
  std::vector<Jacobian<N>> jac(count);
  const Jacobian<N> base = {pt.x, pt.y, p.one};
  const Jacobian<N> twice = dbl(base, p);
  const Num<N> tz_inv = mont_inv(twice.z, p);
  const Num<N> tz_inv2 = mont_mul(tz_inv, tz_inv, p);
  const Affine<N> twice_affine = {mont_mul(twice.x, tz_inv2, p), mont_mul(twice.y, mont_mul(tz_inv2, tz_inv, p), p)};
  jac[0] = base;
  for (std::size_t i = 1; i < count; ++i) jac[i] = add_affine(jac[i - 1], twice_affine, p);
  // prefix[i] = z_0 * ... * z_i; one inversion of the whole product, then each z_i^-1 walking back.
  std::vector<Num<N>> prefix(count);
  prefix[0] = jac[0].z;
  for (std::size_t i = 1; i < count; ++i) prefix[i] = mont_mul(prefix[i - 1], jac[i].z, p);
  Num<N> inv = mont_inv(prefix[count - 1], p);
  Table<N> out(count);
  for (std::size_t i = count; i-- > 0;) {
    const Num<N> zi = i == 0 ? inv : mont_mul(inv, prefix[i - 1], p);
    if (i > 0) inv = mont_mul(inv, jac[i].z, p);
    const Num<N> zi2 = mont_mul(zi, zi, p);
    out[i] = {mont_mul(jac[i].x, zi2, p), mont_mul(jac[i].y, mont_mul(zi2, zi, p), p)};
  }
  return out;
}

// Width-w NAF of k < 2^(32N): digits[i] odd in (-2^(w-1), 2^(w-1)) or 0, sum digits[i] 2^i = k. Returns the count.
template <int N>
int naf(Num<N> k, int window, std::vector<signed char>& digits) {
  digits.assign(32 * N + 1, 0);
  const u32 mask = (1u << window) - 1;
  int i = 0;
  while (!is_zero(k)) {
    if ((k.w[0] & 1u) != 0) {
      int d = static_cast<int>(k.w[0] & mask);
      if (d >= (1 << (window - 1))) d -= 1 << window;
      Num<N> small{};
      small.w[0] = static_cast<u32>(d < 0 ? -d : d);
      if (d < 0) {
        add_raw(k, k, small);  // k < n < 2^(32N) - 2^w: no carry out
      } else {
        sub_raw(k, k, small);
      }
      digits[static_cast<std::size_t>(i)] = static_cast<signed char>(d);
    }
    halve(k);
    ++i;
  }
  return i;
}

template <int N>
Affine<N> pick(const Table<N>& table, int digit, const Modulus<N>& p) noexcept {
  const Affine<N>& a = table[static_cast<std::size_t>((digit < 0 ? -digit : digit) / 2)];
  if (digit > 0) return a;
  return {a.x, mod_sub(Num<N>{}, a.y, p)};
}

// u1*G + u2*Q: one chain of doublings, with the digits of both scalars added in as it goes (Straus/Shamir).
template <int N>
Jacobian<N> mul_double(const Num<N>& u1, const Table<N>& g, const Num<N>& u2, const Table<N>& q, const Modulus<N>& p) {
  std::vector<signed char> d1, d2;
  const int len = std::max(naf(u1, kWindowG, d1), naf(u2, kWindowQ, d2));
  Jacobian<N> r = {p.one, p.one, Num<N>{}};
  for (int i = len - 1; i >= 0; --i) {
    r = dbl(r, p);
    const auto at = static_cast<std::size_t>(i);
    if (d1[at] != 0) r = add_affine(r, pick(g, d1[at], p), p);
    if (d2[at] != 0) r = add_affine(r, pick(q, d2[at], p), p);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// 5. The ECDSA check
// ---------------------------------------------------------------------------------------------------------------

template <int N>
struct CurveData {
  Params<N> params;
  Table<N> g_table;
};

template <int N>
const CurveData<N>& curve_data(const CurveHex& hex, std::size_t bytes) {
  static const CurveData<N> data = [&] {
    CurveData<N> d{make_params<N>(hex, bytes), {}};
    d.g_table = odd_multiples(d.params.g, kWindowG, d.params.p);
    return d;
  }();
  return data;
}

constexpr int kLimbs384 = 12;
constexpr int kLimbs521 = 17;

template <int N>
struct Key {
  const CurveData<N>* curve = nullptr;
  Table<N> q_table;
};

template <int N>
bool decode_point(const CurveData<N>& c, const u8* x, const u8* y, Affine<N>& out) noexcept {
  Num<N> ax, ay;
  if (!from_be(x, c.params.bytes, ax) || !from_be(y, c.params.bytes, ay)) return false;
  if (geq(ax, c.params.p.m) || geq(ay, c.params.p.m)) return false;
  out = {to_mont(ax, c.params.p), to_mont(ay, c.params.p)};
  return on_curve(out, c.params);
}

template <int N>
bool verify_with(const Key<N>& key, const u8* digest, std::size_t digest_len, const u8* r_bytes, const u8* s_bytes) {
  const Params<N>& c = key.curve->params;
  Num<N> r, s;
  if (!from_be(r_bytes, c.bytes, r) || !from_be(s_bytes, c.bytes, s)) return false;
  if (is_zero(r) || is_zero(s) || geq(r, c.n.m) || geq(s, c.n.m)) return false;

  // e: the digest's leftmost n_bits bits (all of them when the digest is not longer than n).
  const std::size_t take = std::min(digest_len, (static_cast<std::size_t>(c.n_bits) + 7) / 8);
  Num<N> e;
  if (!from_be(digest, take, e)) return false;
  const int extra = static_cast<int>(8 * take) - c.n_bits;
  for (int k = 0; k < extra; ++k) halve(e);
  if (geq(e, c.n.m)) sub_raw(e, e, c.n.m);

  // w = s^-1 in Montgomery form; mont_mul(x, w) = x * s^-1 mod n, plain.
  const Num<N> w = mont_inv(to_mont(s, c.n), c.n);
  const Num<N> u1 = mont_mul(e, w, c.n);
  const Num<N> u2 = mont_mul(r, w, c.n);
  const Jacobian<N> big_r = mul_double(u1, key.curve->g_table, u2, key.q_table, c.p);
  if (is_zero(big_r.z)) return false;

  // x(R) = X/Z^2 in [0, p) and p < 2n: x(R) mod n == r exactly when x(R) is r, or r + n if that is < p. Compare
  // r*Z^2 with X instead of inverting Z.
  const Num<N> zz = mont_mul(big_r.z, big_r.z, c.p);
  if (equal(mont_mul(to_mont(r, c.p), zz, c.p), big_r.x)) return true;
  Num<N> r_plus_n;
  if (add_raw(r_plus_n, r, c.n.m) != 0 || geq(r_plus_n, c.p.m)) return false;
  return equal(mont_mul(to_mont(r_plus_n, c.p), zz, c.p), big_r.x);
}

template <int N>
bool prepare_key(const CurveData<N>& c, const u8* x, const u8* y, Key<N>& key) {
  Affine<N> q;
  if (!decode_point(c, x, y, q)) return false;
  key.curve = &c;
  key.q_table = odd_multiples(q, kWindowQ, c.params.p);
  return true;
}

}  // namespace

class PreparedKey {
 public:
  Curve curve = Curve::p384;
  Key<kLimbs384> k384;
  Key<kLimbs521> k521;
};

std::size_t field_bytes(Curve curve) noexcept { return curve == Curve::p384 ? 48 : 66; }

std::shared_ptr<const PreparedKey> prepare(Curve curve, const std::uint8_t* x, const std::uint8_t* y) {
  auto key = std::make_shared<PreparedKey>();
  key->curve = curve;
  const bool ok = curve == Curve::p384 ? prepare_key(curve_data<kLimbs384>(kP384Hex, 48), x, y, key->k384)
                                       : prepare_key(curve_data<kLimbs521>(kP521Hex, 66), x, y, key->k521);
  if (!ok) return nullptr;
  return key;
}

bool verify(const PreparedKey& key, const std::uint8_t* digest, std::size_t digest_len, const std::uint8_t* r,
            const std::uint8_t* s) noexcept {
  try {
    return key.curve == Curve::p384 ? verify_with(key.k384, digest, digest_len, r, s)
                                    : verify_with(key.k521, digest, digest_len, r, s);
  } catch (...) {
    return false;  // the NAF digits' vectors could not be allocated
  }
}

}  // namespace edgepg::crypto::nist
