#include "ed25519_signer.hpp"

// The library's arithmetic, this translation unit's own copy (anonymous namespace). Not every helper in it is
// needed here, and GCC reports unused internal functions even when they come from a header.
#pragma GCC diagnostic ignored "-Wunused-function"
#include <cstring>

#include "crypto/crypto.hpp"
#include "crypto/ed25519_point.hpp"

namespace edgepg::crypto::ed25519::detail {
namespace {

// What signing needs beyond verification (verify() never writes a scalar out or computes r + k a): not in the
// library.
void scalar_to_bytes(u8 b[32], const Scalar& s) noexcept {
  for (int i = 0; i < 4; ++i) store64_le(b + 8 * i, s.w[i]);
}

// (a * b + c) mod L for c < L, the signature's S = r + k a.
Scalar scalar_mul_add(const Scalar& a, const Scalar& b, const Scalar& c) noexcept {
  u64 x[8];
  mul_words(a.w, 4, b.w, 4, x);
  Scalar r = reduce512(x);
  add256(r, r, c);  // < 2L < 2^254: no carry out
  if (!scalar_less(r, kL)) sub256(r, r, kL);
  return r;
}

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

std::size_t prepared_key_size_for_test() noexcept { return sizeof(KeyTables); }  // PreparedKey's only contents

void base_mul_for_test(const std::uint8_t n[32], std::uint8_t out[32]) noexcept {
  u64 x[8] = {};
  for (int i = 0; i < 4; ++i) x[i] = load64_le(n + 8 * i);
  encode_point(out, double_scalar_mul(reduce512(x), Scalar{}, nullptr));
}

}  // namespace edgepg::crypto::ed25519::detail
