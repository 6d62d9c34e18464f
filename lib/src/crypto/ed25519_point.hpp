// Ed25519 arithmetic, part 3 of 3: points, decoding and encoding, tables of odd multiples and [s]B + [k]P
// (sections 3 to 6 of the layout in ed25519.cpp).
// Internal to the Ed25519 code: included by ed25519.cpp (verification, in the library) and by the unit tests' signer
// (tests/unit/support/ed25519_signer.cpp), nowhere else. Everything is in an anonymous namespace on purpose: each
// includer compiles its own copy, so no inline function is ever merged across translation units.
#pragma once

#include <algorithm>
#include <cstring>

#include "crypto/ed25519_field.hpp"
#include "crypto/ed25519_scalar.hpp"

namespace edgepg::crypto::ed25519 {
namespace {

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

// What a prepared key holds (ed25519.cpp's PreparedKey is exactly this, so its size is the memory cost of one key).
struct KeyTables {
  u8 encoded[32];             // the key's bytes as given: they are hashed as they are, even when not canonical
  Tables<kKeyWindow> tables;  // odd multiples of -A and of 2^127 (-A)
};

}  // namespace
}  // namespace edgepg::crypto::ed25519
