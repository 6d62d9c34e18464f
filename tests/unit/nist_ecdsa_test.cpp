// edgepg's own ECDSA P-384/P-521 verifier (lib/src/crypto/nist_ecdsa.cpp, the wasm build's ES384/ES512) against
// OpenSSL's (crypto::verify_with_openssl, the native build's): signatures made by OpenSSL through Node verify;
// every changed byte, every out-of-range r or s, random signatures and keys off the curve get the verdict OpenSSL
// gives.
#include "crypto/nist_ecdsa.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/crypto.hpp"
#include "crypto/signature.hpp"
#include "splitmix.hpp"
#include "support/nist_vectors.hpp"
#include "util/hex.hpp"

using namespace edgepg;
namespace nist = edgepg::crypto::nist;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::string_view hex) {
  std::string raw;
  REQUIRE(util::hex_decode_append(hex, raw));
  return {raw.begin(), raw.end()};
}

using test::kP384Vectors;
using test::kP521Vectors;
using test::NistVector;

struct Case {
  crypto::KeyKind kind;
  nist::Curve curve;
  crypto::HashAlg hash;
  const char* order;  // n, big-endian hex, as many digits as the field's bytes
  const std::vector<NistVector>* vectors;
};

const Case kCases[] = {
    {crypto::KeyKind::ec_p384, nist::Curve::p384, crypto::HashAlg::sha384,
     "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973", &kP384Vectors},
    {crypto::KeyKind::ec_p521, nist::Curve::p521, crypto::HashAlg::sha512,
     "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b889"
     "9c47aebb6fb71e91386409",
     &kP521Vectors},
};

// Both verifiers on (key, message, r||s): ours through a prepared key, OpenSSL's through crypto::PublicKey.
struct Both {
  bool ours;
  bool openssl;
};

Both verdicts(const Case& c, const Bytes& x, const Bytes& y, const Bytes& message, const Bytes& signature) {
  crypto::PublicKey key;
  std::string error;
  const bool openssl_key = crypto::PublicKey::from_ec(c.kind, x, y, key, error);
  const auto prepared = nist::prepare(c.curve, x.data(), y.data());
  CHECK(openssl_key == (prepared != nullptr));  // the same keys refused
  if (!openssl_key || !prepared) return {prepared != nullptr, openssl_key};
  crypto::DigestBuffer buffer;
  const crypto::ByteView digest = crypto::digest(c.hash, message, buffer);
  REQUIRE(digest.size() == crypto::hash_size(c.hash));
  const std::size_t half = nist::field_bytes(c.curve);
  REQUIRE(signature.size() == 2 * half);
  return {nist::verify(*prepared, digest.data(), digest.size(), signature.data(), signature.data() + half),
          crypto::verify_with_openssl(key, crypto::SigScheme::ecdsa, c.hash, message, signature)};
}

// n - v for v <= n, big-endian, both `size` bytes.
Bytes minus(const Bytes& n, const Bytes& v) {
  Bytes r(n.size());
  int borrow = 0;
  for (std::size_t i = n.size(); i-- > 0;) {
    const int d = n[i] - v[i] - borrow;
    r[i] = static_cast<std::uint8_t>(d);
    borrow = d < 0 ? 1 : 0;
  }
  return r;
}

}  // namespace

TEST_CASE("nist_ecdsa: OpenSSL's P-384/P-521 signatures verify; every change gets OpenSSL's verdict") {
  test::Rng rng{0x384521};
  for (const Case& c : kCases) {
    const std::size_t half = nist::field_bytes(c.curve);
    const Bytes n = bytes(c.order);
    REQUIRE(n.size() == half);
    for (const NistVector& v : *c.vectors) {
      const Bytes x = bytes(v.x), y = bytes(v.y), message = bytes(v.message), signature = bytes(v.signature);
      const Both valid = verdicts(c, x, y, message, signature);
      CHECK(valid.ours);
      CHECK(valid.openssl);
      // (r, n - s) is the same signature's other form: ECDSA (and OpenSSL) accept both.
      Bytes high(signature);
      const Bytes s_neg = minus(n, Bytes(signature.begin() + static_cast<std::ptrdiff_t>(half), signature.end()));
      std::copy(s_neg.begin(), s_neg.end(), high.begin() + static_cast<std::ptrdiff_t>(half));
      const Both other = verdicts(c, x, y, message, high);
      CHECK(other.ours == other.openssl);
      CHECK(other.ours);
      // Every byte of the signature, and some of the message, changed in turn.
      for (std::size_t i = 0; i < signature.size(); ++i) {
        Bytes changed(signature);
        changed[i] ^= static_cast<std::uint8_t>(1u << rng.below(8));
        const Both b = verdicts(c, x, y, message, changed);
        CHECK(b.ours == b.openssl);
      }
      Bytes other_message(message);
      other_message[rng.below(other_message.size())] ^= 0x01;
      const Both m = verdicts(c, x, y, other_message, signature);
      CHECK_FALSE(m.ours);
      CHECK_FALSE(m.openssl);
      // r or s of 0, n, n + 1 and all ones: out of range, refused by both.
      const Bytes zero(half, 0);
      Bytes n_plus_1(n);
      for (std::size_t i = half; i-- > 0;) {
        if (++n_plus_1[i] != 0) break;
      }
      const Bytes ones(half, 0xff);
      for (const Bytes* bad : std::initializer_list<const Bytes*>{&zero, &n, &n_plus_1, &ones}) {
        for (int which = 0; which < 2; ++which) {
          Bytes out(signature);
          std::copy(bad->begin(), bad->end(), out.begin() + static_cast<std::ptrdiff_t>(which * half));
          const Both b = verdicts(c, x, y, message, out);
          CHECK_FALSE(b.ours);
          CHECK_FALSE(b.openssl);
        }
      }
    }
    // Random signatures under a valid key, and random keys (almost never on the curve).
    const NistVector& v = c.vectors->front();
    const Bytes x = bytes(v.x), y = bytes(v.y), message = bytes(v.message);
    for (int i = 0; i < 50; ++i) {
      Bytes signature(2 * half);
      for (auto& b : signature) b = static_cast<std::uint8_t>(rng.next());
      if (c.curve == nist::Curve::p521) signature[0] = signature[half] = static_cast<std::uint8_t>(rng.below(2));
      const Both b = verdicts(c, x, y, message, signature);
      CHECK(b.ours == b.openssl);
      Bytes rx(x);
      rx[rng.below(rx.size())] ^= static_cast<std::uint8_t>(1u << rng.below(8));
      (void)verdicts(c, rx, y, message, bytes(v.signature));  // checks that both refuse or both accept the key
    }
    // Coordinates >= p (all bits set, above p on both curves) are refused by both.
    const Bytes all_ones(x.size(), 0xff);
    CHECK(nist::prepare(c.curve, all_ones.data(), y.data()) == nullptr);
    CHECK(nist::prepare(c.curve, x.data(), all_ones.data()) == nullptr);
    const Both big = verdicts(c, all_ones, y, message, bytes(v.signature));
    CHECK_FALSE(big.openssl);
  }
}
