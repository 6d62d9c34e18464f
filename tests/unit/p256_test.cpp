#include "crypto/p256.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>

#include "crypto/crypto.hpp"
#include "crypto/signature.hpp"
#include "splitmix.hpp"
#include "support/p256_signer.hpp"

using namespace edgepg;
namespace p256 = edgepg::crypto::p256;

namespace {

using B32 = std::array<std::uint8_t, 32>;

// 64 hex digits to 32 bytes (also used for namespace-scope constants, so no doctest assertion inside).
B32 hex32(std::string_view h) {
  B32 out{};
  auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    return static_cast<std::uint8_t>(c - 'A' + 10);
  };
  for (std::size_t i = 0; i < 32 && 2 * i + 1 < h.size(); ++i) {
    out[i] = static_cast<std::uint8_t>((nibble(h[2 * i]) << 4) | nibble(h[2 * i + 1]));
  }
  return out;
}

// 32-byte big-endian arithmetic for building out-of-range values.
B32 add32(const B32& a, const B32& b) {
  B32 r{};
  unsigned carry = 0;
  for (int i = 31; i >= 0; --i) {
    const unsigned v = a[i] + b[i] + carry;
    r[i] = static_cast<std::uint8_t>(v);
    carry = v >> 8;
  }
  return r;
}
B32 sub32(const B32& a, const B32& b) {
  B32 r{};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    const int v = a[i] - b[i] - borrow;
    r[i] = static_cast<std::uint8_t>(v);
    borrow = v < 0 ? 1 : 0;
  }
  return r;
}

const B32 kN = hex32("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
const B32 kP = hex32("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF");
const B32 kGx = hex32("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296");
const B32 kGy = hex32("4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5");

// RFC 6979 §A.2.5: the P-256 key and its SHA-256 signatures of "sample" and "test".
const B32 kPriv = hex32("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
const B32 kUx = hex32("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6");
const B32 kUy = hex32("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");

struct Vector {
  const char* message;
  B32 k, r, s;
};
const Vector kVectors[] = {
    {"sample", hex32("A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60"),
     hex32("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"),
     hex32("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8")},
    {"test", hex32("D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0"),
     hex32("F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367"),
     hex32("019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083")},
};

B32 digest_of(std::string_view message) { return crypto::sha256(crypto::bytes_of(message)); }

// Both paths must agree on every call: the unprepared one (tables built on the stack) and a prepared key.
bool verify(const B32& x, const B32& y, const B32& digest, const B32& r, const B32& s) {
  const bool unprepared = p256::verify(x.data(), y.data(), digest.data(), r.data(), s.data());
  const auto key = p256::prepare(x.data(), y.data());
  CHECK((key != nullptr) == p256::on_curve(x.data(), y.data()));
  const bool prepared = key != nullptr && p256::verify(*key, digest.data(), r.data(), s.data());
  CHECK(prepared == unprepared);
  return unprepared;
}

// The OpenSSL-backed oracle: JOSE r||s over the message, hashed with SHA-256 inside.
bool oracle_verify(const crypto::PublicKey& key, std::string_view message, const B32& r, const B32& s) {
  std::array<std::uint8_t, 64> sig{};
  for (std::size_t i = 0; i < 32; ++i) {
    sig[i] = r[i];
    sig[32 + i] = s[i];
  }
  return crypto::verify_with_openssl(key, crypto::SigScheme::ecdsa, crypto::HashAlg::sha256, crypto::bytes_of(message),
                                     sig);
}

// The build's own ES256 path (signature.cpp: a prepared p256 key where the build uses p256.cpp, else OpenSSL).
bool build_verify(const crypto::PublicKey& key, std::string_view message, const B32& r, const B32& s) {
  std::array<std::uint8_t, 64> sig{};
  for (std::size_t i = 0; i < 32; ++i) {
    sig[i] = r[i];
    sig[32 + i] = s[i];
  }
  return crypto::verify_signature(key, crypto::SigScheme::ecdsa, crypto::HashAlg::sha256, crypto::bytes_of(message),
                                  sig);
}

crypto::PublicKey oracle_key(const B32& x, const B32& y) {
  crypto::PublicKey key;
  std::string error;
  REQUIRE_MESSAGE(crypto::PublicKey::from_ec(crypto::KeyKind::ec_p256, x, y, key, error), error);
  return key;
}

// Optimised builds run the full sizes (every bit, 300 keys, 2,100 differential cases). Unoptimised sanitizer builds
// verify about 100 signatures a second, so there the same tests take a sample that keeps this file near 2 s.
#ifdef NDEBUG
constexpr bool kFull = true;
#else
constexpr bool kFull = false;
#endif
constexpr int kBitStep = kFull ? 1 : 37;  // every bit, or 7 bits spread over the bytes
constexpr int kKeys = kFull ? 300 : 10;   // random keys, each with one valid signature
constexpr int kMutationsPerKey = 6;
constexpr int kRuns = kFull ? 200 : 20;

using edgepg::test::Rng;  // splitmix64, for the differential test

}  // namespace

TEST_CASE("p256: the RFC 6979 A.2.5 key and signatures verify") {
  CHECK(digest_of("sample") == hex32("af2bdbe1aa9b6ec1e2ade1d694f41fc71a831d0268e9891562113d8a62add1bf"));
  CHECK(digest_of("test") == hex32("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
  CHECK(p256::on_curve(kUx.data(), kUy.data()));
  CHECK(p256::on_curve(kGx.data(), kGy.data()));
  for (const Vector& v : kVectors) {
    CAPTURE(v.message);
    CHECK(verify(kUx, kUy, digest_of(v.message), v.r, v.s));
    // ECDSA's malleability: (r, n - s) is valid too, for both implementations.
    const B32 neg_s = sub32(kN, v.s);
    CHECK(verify(kUx, kUy, digest_of(v.message), v.r, neg_s));
    CHECK(oracle_verify(oracle_key(kUx, kUy), v.message, v.r, neg_s));
  }
  // A signature of one message does not verify another.
  CHECK_FALSE(verify(kUx, kUy, digest_of("test"), kVectors[0].r, kVectors[0].s));
  CHECK_FALSE(verify(kUx, kUy, digest_of("sample"), kVectors[1].r, kVectors[1].s));
}

TEST_CASE("p256: the test signer reproduces RFC 6979's public key and signatures") {
  B32 x{}, y{};
  REQUIRE(p256::detail::public_key_for_test(kPriv.data(), x.data(), y.data()));
  CHECK(x == kUx);
  CHECK(y == kUy);
  // 1*G = G and (n-1)*G = -G = (Gx, p - Gy).
  B32 one{};
  one[31] = 1;
  REQUIRE(p256::detail::public_key_for_test(one.data(), x.data(), y.data()));
  CHECK(x == kGx);
  CHECK(y == kGy);
  REQUIRE(p256::detail::public_key_for_test(sub32(kN, one).data(), x.data(), y.data()));
  CHECK(x == kGx);
  CHECK(y == sub32(kP, kGy));
  CHECK_FALSE(p256::detail::public_key_for_test(kN.data(), x.data(), y.data()));
  CHECK_FALSE(p256::detail::public_key_for_test(B32{}.data(), x.data(), y.data()));

  for (const Vector& v : kVectors) {
    CAPTURE(v.message);
    B32 r{}, s{};
    REQUIRE(p256::detail::sign_for_test(kPriv.data(), v.k.data(), digest_of(v.message).data(), r.data(), s.data()));
    CHECK(r == v.r);
    CHECK(s == v.s);
  }
}

TEST_CASE("p256: the ladder handles P + P and P + (-P) when adding from either table") {
  B32 one{}, two{};
  one[31] = 1;
  two[31] = 2;
  const B32 n_minus_1 = sub32(kN, one);
  // h = (n + 1) / 2, so 2*h = 1 (mod n): (n + 1) is even and fits in 32 bytes.
  B32 h = add32(kN, one);
  for (int i = 31; i >= 0; --i) {
    h[i] = static_cast<std::uint8_t>((h[i] >> 1) | (i > 0 ? (h[i - 1] & 1) << 7 : 0));
  }
  B32 g2x{}, g2y{}, hx{}, hy{}, mhx{}, mhy{}, x{}, y{};
  REQUIRE(p256::detail::public_key_for_test(two.data(), g2x.data(), g2y.data()));
  REQUIRE(p256::detail::public_key_for_test(h.data(), hx.data(), hy.data()));
  REQUIRE(p256::detail::public_key_for_test(sub32(kN, h).data(), mhx.data(), mhy.data()));

  // Q = G: the last step adds Q's table entry Q to R = G (the addition meets P + P, must double) ...
  REQUIRE(p256::detail::mul_add_for_test(one.data(), one.data(), kGx.data(), kGy.data(), x.data(), y.data()));
  CHECK(x == g2x);
  CHECK(y == g2y);
  // ... or adds Q to R = (n-1)*G = -G (P + (-P): infinity; n - 1 is even, so its last wNAF digit is 0) ...
  CHECK_FALSE(p256::detail::mul_add_for_test(n_minus_1.data(), one.data(), kGx.data(), kGy.data(), x.data(), y.data()));
  // ... and the mirror image, where the affine G meets R = -G.
  CHECK_FALSE(p256::detail::mul_add_for_test(one.data(), n_minus_1.data(), kGx.data(), kGy.data(), x.data(), y.data()));
  // Q = h*G, u2 = 2: R = 2Q = G when the affine G is added (mixed addition meets P + P): G + G = 2G.
  REQUIRE(p256::detail::mul_add_for_test(one.data(), two.data(), hx.data(), hy.data(), x.data(), y.data()));
  CHECK(x == g2x);
  CHECK(y == g2y);
  // Q = -h*G: R = 2Q = -G when G is added (mixed addition meets P + (-P)): infinity.
  CHECK_FALSE(p256::detail::mul_add_for_test(one.data(), two.data(), mhx.data(), mhy.data(), x.data(), y.data()));
  // An ordinary case for comparison: 1*G + 1*(h*G) = (1 + h)*G.
  B32 ex{}, ey{};
  REQUIRE(p256::detail::public_key_for_test(add32(h, one).data(), ex.data(), ey.data()));
  REQUIRE(p256::detail::mul_add_for_test(one.data(), one.data(), hx.data(), hy.data(), x.data(), y.data()));
  CHECK(x == ex);
  CHECK(y == ey);
}

TEST_CASE("p256: on_curve refuses coordinates off the curve or out of range") {
  CHECK_FALSE(p256::on_curve(B32{}.data(), B32{}.data()));
  CHECK_FALSE(p256::on_curve(kP.data(), kUy.data()));              // x = p
  CHECK_FALSE(p256::on_curve(kUx.data(), add32(kUy, kP).data()));  // y + p (mod 2^256): >= p
  CHECK(p256::on_curve(kUx.data(), sub32(kP, kUy).data()));        // -U is on the curve
  CHECK_FALSE(p256::on_curve(kUx.data(), sub32(kUy, hex32(std::string(63, '0') + "1")).data()));  // y - 1
  CHECK_FALSE(p256::on_curve(kGx.data(), add32(kGy, kP).data()));  // y + p, the same residue as Gy
}

TEST_CASE("p256: every single-bit change to r, s, the digest or the key is rejected") {
  for (const Vector& v : kVectors) {
    CAPTURE(v.message);
    const B32 digest = digest_of(v.message);
    REQUIRE(verify(kUx, kUy, digest, v.r, v.s));
    for (int bit = 0; bit < 256; bit += kBitStep) {
      CAPTURE(bit);
      const auto byte = static_cast<std::size_t>(bit / 8);
      const auto mask = static_cast<std::uint8_t>(1u << (bit % 8));
      B32 r = v.r, s = v.s, d = digest, x = kUx;
      r[byte] ^= mask;
      s[byte] ^= mask;
      d[byte] ^= mask;
      x[byte] ^= mask;
      CHECK_FALSE(verify(kUx, kUy, digest, r, v.s));
      CHECK_FALSE(verify(kUx, kUy, digest, v.r, s));
      CHECK_FALSE(verify(kUx, kUy, d, v.r, v.s));
      // Changing x alone almost always leaves the curve; either way the signature must fail.
      if (bit % 8 == 0 || !kFull) {
        const bool on = p256::on_curve(x.data(), kUy.data());
        CHECK_FALSE(on);
        CHECK_FALSE(verify(x, kUy, digest, v.r, v.s));
      }
    }
  }
}

TEST_CASE("p256: r and s outside [1, n-1] are rejected") {
  const Vector& v = kVectors[1];  // its s is small enough that s + n fits in 32 bytes
  const B32 digest = digest_of(v.message);
  const B32 zero{};
  const B32 all_ones = hex32(std::string(64, 'F'));
  CHECK_FALSE(verify(kUx, kUy, digest, zero, v.s));
  CHECK_FALSE(verify(kUx, kUy, digest, v.r, zero));
  CHECK_FALSE(verify(kUx, kUy, digest, kN, v.s));
  CHECK_FALSE(verify(kUx, kUy, digest, v.r, kN));
  CHECK_FALSE(verify(kUx, kUy, digest, all_ones, v.s));
  CHECK_FALSE(verify(kUx, kUy, digest, v.r, all_ones));
  // s + n is the same residue as s, but out of range: rejected, as OpenSSL does.
  const B32 s_plus_n = add32(v.s, kN);
  CHECK_FALSE(verify(kUx, kUy, digest, v.r, s_plus_n));
  CHECK_FALSE(oracle_verify(oracle_key(kUx, kUy), v.message, v.r, s_plus_n));
  // r + n does not fit in 32 bytes for either vector; r - n wraps to a different residue.
  CHECK_FALSE(verify(kUx, kUy, digest, sub32(v.r, kN), v.s));
  // A key that is not on the curve is refused before any arithmetic.
  CHECK_FALSE(verify(kUx, kGy, digest, v.r, v.s));
  CHECK_FALSE(verify(zero, zero, digest, v.r, v.s));
}

TEST_CASE("p256: a digest >= n is reduced mod n") {
  const B32 big = hex32(std::string(64, 'F'));  // 2^256 - 1 > n
  const B32 reduced = sub32(big, kN);           // the same residue mod n
  const B32 k = digest_of("nonce for the big digest");
  B32 r{}, s{};
  REQUIRE(p256::detail::sign_for_test(kPriv.data(), k.data(), big.data(), r.data(), s.data()));
  CHECK(verify(kUx, kUy, big, r, s));
  CHECK(verify(kUx, kUy, reduced, r, s));
  CHECK_FALSE(verify(kUx, kUy, sub32(big, hex32(std::string(63, '0') + "1")), r, s));
}

TEST_CASE("p256: verdicts match OpenSSL on signatures from random keys and their mutations") {
  Rng rng{20240611};
  int valid = 0;
  int cases = 0;
  int accepted = 0;
  for (int i = 0; i < kKeys; ++i) {
    CAPTURE(i);
    const std::string tag = std::to_string(i);
    B32 d = digest_of("key " + tag);
    if (!(d < kN)) d = sub32(d, kN);
    B32 x{}, y{};
    REQUIRE(p256::detail::public_key_for_test(d.data(), x.data(), y.data()));
    REQUIRE(p256::on_curve(x.data(), y.data()));
    const crypto::PublicKey key = oracle_key(x, y);  // OpenSSL agrees the point is on the curve

    const std::string message = "message " + tag;
    B32 k = digest_of("nonce " + tag);
    if (!(k < kN)) k = sub32(k, kN);
    B32 r{}, s{};
    REQUIRE(p256::detail::sign_for_test(d.data(), k.data(), digest_of(message).data(), r.data(), s.data()));
    const bool ours = verify(x, y, digest_of(message), r, s);
    const bool theirs = oracle_verify(key, message, r, s);
    const auto prepared = p256::prepare(x.data(), y.data());
    REQUIRE(prepared != nullptr);
    CHECK(p256::verify(*prepared, digest_of(message).data(), r.data(), s.data()));
    CHECK(build_verify(key, message, r, s));
    CHECK(ours);
    CHECK(theirs);
    valid += (ours && theirs) ? 1 : 0;

    // Mutations: a random byte of r, s or the message replaced (XOR with a nonzero value), or a random value.
    for (int m = 0; m < kMutationsPerKey; ++m) {
      B32 mr = r, ms = s;
      std::string mmsg = message;
      const auto flip = static_cast<std::uint8_t>(1 + rng.below(255));
      switch (rng.below(4)) {
        case 0:
          mr[rng.below(32)] ^= flip;
          break;
        case 1:
          ms[rng.below(32)] ^= flip;
          break;
        case 2:
          mmsg[rng.below(mmsg.size())] ^= static_cast<char>(flip);
          break;
        default:  // r's two leading bytes replaced
          mr[0] = 0xFF;
          mr[1] = static_cast<std::uint8_t>(rng.next());
          break;
      }
      const bool our_verdict = verify(x, y, digest_of(mmsg), mr, ms);
      const bool their_verdict = oracle_verify(key, mmsg, mr, ms);
      CHECK(p256::verify(*prepared, digest_of(mmsg).data(), mr.data(), ms.data()) == their_verdict);
      CHECK(build_verify(key, mmsg, mr, ms) == their_verdict);
      CHECK(our_verdict == their_verdict);
      CHECK_FALSE(our_verdict);
      ++cases;
      accepted += our_verdict ? 1 : 0;
    }
    ++cases;
  }
  CHECK(valid == kKeys);
  CHECK(cases == kKeys * (1 + kMutationsPerKey));  // 2,100 in optimised builds
  CHECK(accepted == 0);
}

TEST_CASE("p256: 200 verifications in a row") {
  int ok = 0;
  for (int i = 0; i < kRuns; ++i) {
    const Vector& v = kVectors[i % 2];
    ok += verify(kUx, kUy, digest_of(v.message), v.r, v.s) ? 1 : 0;
  }
  CHECK(ok == kRuns);
}

TEST_CASE("p256: the build's own field layout is the one under test") {
  // The tests run on the library's own p256.cpp: 64-bit limbs where CMake's EDGEPG_FAST_P256 defines
  // EDGEPG_P256_LIMB64 (it then defines EDGEPG_P256_EXPECT_LIMB64 here too), 32-bit limbs otherwise.
#ifdef EDGEPG_P256_EXPECT_LIMB64
  CHECK(p256::detail::limb_bits_for_test() == 64);
#else
  CHECK(p256::detail::limb_bits_for_test() == 32);
#endif
  CHECK(p256::detail::prepared_key_size_for_test() == 4096);  // 64 affine points of 64 bytes
  // A key off the curve is not prepared.
  CHECK(p256::prepare(kUx.data(), kGy.data()) == nullptr);
  CHECK(p256::prepare(B32{}.data(), B32{}.data()) == nullptr);
  CHECK(p256::prepare(kP.data(), kUy.data()) == nullptr);
  const auto key = p256::prepare(kUx.data(), kUy.data());
  REQUIRE(key != nullptr);
  for (const Vector& v : kVectors) {
    CHECK(p256::verify(*key, digest_of(v.message).data(), v.r.data(), v.s.data()));
  }
}

TEST_CASE("p256: scalars whose 128-bit halves are 0, 1 or 2^128 and edge values") {
  // u = 2^128, 2^128 +- 1, small values (high half 0), multiples of 2^128 (low half 0), n - 1, n - 2^128.
  B32 one{};
  one[31] = 1;
  B32 p128{};
  p128[15] = 1;  // 2^128
  B32 low_max{};
  for (int i = 16; i < 32; ++i) low_max[i] = 0xFF;  // 2^128 - 1
  B32 p128x3{};
  p128x3[15] = 3;  // 3 * 2^128: low half 0
  B32 small{};
  small[31] = 5;
  B32 top_only{};
  top_only[0] = 0x7F;  // 0x7F * 2^248: low half 0
  const B32 n_minus_1 = sub32(kN, one);
  const B32 n_minus_p128 = sub32(kN, p128);
  const B32 values[] = {one,     small,  p128,     add32(p128, one), sub32(p128, one),
                        low_max, p128x3, top_only, n_minus_1,        n_minus_p128};

  // 1) The ladder: u1*G + u2*G = (u1 + u2)*G, with each of u1, u2 any of the values above (sums kept below n by
  //    picking pairs whose sum fits: compare with public_key_for_test(u1 + u2 mod n) computed by 32-byte arithmetic).
  for (const B32& a : values) {
    for (const B32& b : values) {
      B32 sum = add32(a, b);
      const bool wrapped = sum < a;  // the 32-byte sum overflowed 2^256
      if (wrapped || !(sum < kN)) sum = sub32(sum, kN);
      if (sum == B32{}) continue;  // u1 + u2 = n: infinity (covered by the P + (-P) test)
      B32 ex{}, ey{}, x{}, y{};
      REQUIRE(p256::detail::public_key_for_test(sum.data(), ex.data(), ey.data()));
      REQUIRE(p256::detail::mul_add_for_test(a.data(), b.data(), kGx.data(), kGy.data(), x.data(), y.data()));
      CHECK(x == ex);
      CHECK(y == ey);
    }
  }
  // With only one of the two scalars (the other 0): u*G alone, and u*Q alone with Q = G.
  for (const B32& a : values) {
    B32 ex{}, ey{}, x{}, y{};
    REQUIRE(p256::detail::public_key_for_test(a.data(), ex.data(), ey.data()));
    REQUIRE(p256::detail::mul_add_for_test(a.data(), B32{}.data(), kGx.data(), kGy.data(), x.data(), y.data()));
    CHECK(x == ex);
    CHECK(y == ey);
    REQUIRE(p256::detail::mul_add_for_test(B32{}.data(), a.data(), kGx.data(), kGy.data(), x.data(), y.data()));
    CHECK(x == ex);
    CHECK(y == ey);
  }
  B32 ix{}, iy{};
  CHECK_FALSE(p256::detail::mul_add_for_test(B32{}.data(), B32{}.data(), kGx.data(), kGy.data(), ix.data(),
                                             iy.data()));  // 0*G + 0*Q: infinity

  // 2) Signatures whose u1 = e/s or u2 = r/s is one of the values, over real messages: the prepared and unprepared
  //    paths and OpenSSL must all accept them, and reject them with a flipped bit of s.
  int made = 0;
  for (const B32& u : values) {
    for (const bool first : {true, false}) {
      const std::string message = std::string("edge ") + (first ? "u1 " : "u2 ") + std::to_string(made);
      const B32 digest = digest_of(message);
      const B32 k = digest_of("edge nonce " + std::to_string(made));
      B32 d{}, r{}, s{}, x{}, y{};
      ++made;
      REQUIRE(
          p256::detail::sign_with_u_for_test(k.data(), digest.data(), u.data(), first, d.data(), r.data(), s.data()));
      REQUIRE(p256::detail::public_key_for_test(d.data(), x.data(), y.data()));
      const crypto::PublicKey key = oracle_key(x, y);
      CAPTURE(message);
      CHECK(verify(x, y, digest, r, s));
      CHECK(oracle_verify(key, message, r, s));
      CHECK(build_verify(key, message, r, s));
      B32 bad = s;
      bad[31] ^= 1;
      CHECK_FALSE(verify(x, y, digest, r, bad));
      CHECK_FALSE(oracle_verify(key, message, r, bad));
    }
  }

  // 3) Digests that make u1 tiny or 0: e = 0 (u1 = 0, only u2*Q is left), e = 1, e = n (reduced to 0), e = 2^128.
  const B32 digests[] = {B32{}, one, kN, p128, small};
  int i = 0;
  for (const B32& e : digests) {
    CAPTURE(i);
    const B32 k = digest_of("digest nonce " + std::to_string(i++));
    B32 r{}, s{};
    REQUIRE(p256::detail::sign_for_test(kPriv.data(), k.data(), e.data(), r.data(), s.data()));
    CHECK(verify(kUx, kUy, e, r, s));
    B32 other = e;
    other[31] ^= 2;
    CHECK_FALSE(verify(kUx, kUy, other, r, s));
  }
}
