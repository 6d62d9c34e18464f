#include "p256_signer.hpp"

// The library's arithmetic, this translation unit's own copy (anonymous namespace). Not every helper in it is
// needed here, and GCC reports unused internal functions even when they come from a header.
#pragma GCC diagnostic ignored "-Wunused-function"
#include "crypto/p256_point.hpp"

namespace edgepg::crypto::p256 {
namespace {

// What signing needs beyond verification (the library leaves these out: verify() never stores, adds scalars or
// converts a point to affine coordinates).
void store_be(const U256& a, std::uint8_t b[32]) noexcept {
  for (int i = 0; i < 8; ++i) {
    std::uint8_t* q = b + 28 - 4 * i;
    q[0] = static_cast<std::uint8_t>(a.w[i] >> 24);
    q[1] = static_cast<std::uint8_t>(a.w[i] >> 16);
    q[2] = static_cast<std::uint8_t>(a.w[i] >> 8);
    q[3] = static_cast<std::uint8_t>(a.w[i]);
  }
}

U256 sc_add(const U256& a, const U256& b) noexcept { return add_mod(a, b, kN); }

U256 sc_sub(const U256& a, const U256& b) noexcept { return sub_mod(a, b, kN); }

Affine to_affine(const Jacobian& p) noexcept {
  const Fe zi = fe_inv(p.z);
  const Fe zi2 = fe_sqr(zi);
  return {fe_mul(p.x, zi2), fe_mul(p.y, fe_mul(zi2, zi))};
}

}  // namespace

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

bool sign_with_u_for_test(const std::uint8_t k[32], const std::uint8_t digest[32], const std::uint8_t u[32], bool first,
                          std::uint8_t d_out[32], std::uint8_t r_out[32], std::uint8_t s_out[32]) noexcept {
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
  KeyTables key;
  build_tables(q, key.tables);
  const Jacobian sum = mul_double(a, b, &key.tables);
  if (is_infinity(sum)) return false;
  const Affine out = to_affine(sum);
  store_be(fe_to_u256(out.x), x);
  store_be(fe_to_u256(out.y), y);
  return true;
}

std::size_t prepared_key_size_for_test() noexcept { return sizeof(KeyTables); }  // PreparedKey's only contents

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
