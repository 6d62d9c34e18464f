#include "crypto/ed25519.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/crypto.hpp"
#include "crypto/signature.hpp"
#include "splitmix.hpp"
#include "support/ed25519_signer.hpp"

using namespace edgepg;
namespace ed25519 = edgepg::crypto::ed25519;

namespace {

using Bytes = std::vector<std::uint8_t>;
using B32 = std::array<std::uint8_t, 32>;
using B64 = std::array<std::uint8_t, 64>;

// Hex digits to bytes (also used for namespace-scope constants, so no doctest assertion inside).
Bytes unhex(std::string_view h) {
  auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    return static_cast<std::uint8_t>(c - 'A' + 10);
  };
  Bytes out(h.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>((nibble(h[2 * i]) << 4) | nibble(h[2 * i + 1]));
  }
  return out;
}

template <std::size_t N>
std::array<std::uint8_t, N> fixed(const Bytes& b) {
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N && i < b.size(); ++i) out[i] = b[i];
  return out;
}

B32 hex32(std::string_view h) { return fixed<32>(unhex(h)); }

// 32-byte little-endian arithmetic for building scalars around L.
B32 add_le(const B32& a, const B32& b) {
  B32 r{};
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned v = a[i] + b[i] + carry;
    r[i] = static_cast<std::uint8_t>(v);
    carry = v >> 8;
  }
  return r;
}
B32 small_le(unsigned v) {
  B32 r{};
  r[0] = static_cast<std::uint8_t>(v);
  r[1] = static_cast<std::uint8_t>(v >> 8);
  return r;
}

// L = 2^252 + 27742317777372353535851937790883648493 and p = 2^255 - 19, little-endian.
const B32 kL = hex32("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
const B32 kLMinus1 = hex32("ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
const B32 kP = hex32("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

// RFC 8032 §7.1: TEST 1, 2, 3, 1024 and SHA(abc).
struct Vector {
  const char* name;
  B32 seed, public_key;
  Bytes message;
  B64 signature;
};

const char* const kMessage1024 =
    "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1"
    "e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
    "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a"
    "7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
    "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10"
    "3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
    "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d"
    "502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
    "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b"
    "eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
    "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b"
    "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
    "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d"
    "cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
    "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7"
    "984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
    "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09"
    "43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
    "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161"
    "0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
    "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca"
    "c60c905c15fc910840b94c00a0b9d0";

const Vector kVectors[] = {
    {"TEST 1", hex32("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
     hex32("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), Bytes{},
     fixed<64>(unhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
                     "d25bf5f0595bbe24655141438e7a100b"))},
    {"TEST 2", hex32("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"),
     hex32("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"), unhex("72"),
     fixed<64>(unhex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c"
                     "387b2eaeb4302aeeb00d291612bb0c00"))},
    {"TEST 3", hex32("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"),
     hex32("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"), unhex("af82"),
     fixed<64>(unhex("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc659"
                     "4a7c15e9716ed28dc027beceea1ec40a"))},
    {"TEST 1024", hex32("f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5"),
     hex32("278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e"), unhex(kMessage1024),
     fixed<64>(unhex("0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b"
                     "5e8fcd4f681e30a6ac00a9704a188a03"))},
    {"TEST SHA(abc)", hex32("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"),
     hex32("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf"),
     unhex("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423"
           "643ce80e2a9ac94fa54ca49f"),
     fixed<64>(unhex("dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e030"
                     "3dca179c138ac17ad9bef1177331a704"))},
};

// Ours: nullptr from prepare() is a rejection.
bool ours(const B32& key, const Bytes& message, const B64& sig) {
  const auto prepared = ed25519::prepare(key.data());
  return prepared != nullptr && ed25519::verify(*prepared, message.data(), message.size(), sig.data());
}

// The OpenSSL oracle (EVP_PKEY_new_raw_public_key + EVP_DigestVerify), through verify_with_openssl: OpenSSL whatever
// verify_signature itself uses in this build. OpenSSL takes any 32 bytes as a key and decodes it at each
// verification, so a key it cannot decode shows as a rejected signature.
bool oracle(const B32& key, const Bytes& message, const B64& sig) {
  crypto::PublicKey pk;
  std::string error;
  if (!crypto::PublicKey::from_ed25519(key, pk, error)) return false;
  return crypto::verify_with_openssl(pk, crypto::SigScheme::eddsa, crypto::HashAlg::sha512, message, sig);
}

B64 signature_of(const B32& r, const B32& s) {
  B64 sig{};
  for (std::size_t i = 0; i < 32; ++i) {
    sig[i] = r[i];
    sig[32 + i] = s[i];
  }
  return sig;
}

B32 base_mul(const B32& n) {
  B32 out{};
  ed25519::detail::base_mul_for_test(n.data(), out.data());
  return out;
}

Bytes bytes_of(std::string_view s) {
  const auto v = crypto::bytes_of(s);
  return {v.begin(), v.end()};
}

// Optimised builds run the full sizes (every bit, 300 keys, 2,100 differential cases, 48 signatures per edge key).
// Unoptimised sanitizer builds are about ten times slower, so there the same tests take a sample that keeps this
// file well under 2 s.
#ifdef NDEBUG
constexpr bool kFull = true;
#else
constexpr bool kFull = false;
#endif
constexpr int kBitStep = kFull ? 1 : 11;             // every bit, or one in eleven
constexpr int kLongMessageBitStep = kFull ? 7 : 97;  // TEST 1024's 8,184 message bits
constexpr int kKeys = kFull ? 300 : 24;
constexpr int kMutationsPerKey = 6;
constexpr int kEdgeSignatures = kFull ? 48 : 6;
constexpr int kRuns = kFull ? 2000 : 200;

using edgepg::test::Rng;  // splitmix64, for the differential test

}  // namespace

TEST_CASE("ed25519: sha512 of one buffer and of parts") {
  // FIPS 180-2's SHA-512("abc"), which is also the message of RFC 8032's TEST SHA(abc).
  const Bytes abc_digest = kVectors[4].message;
  const crypto::Digest512 one = crypto::sha512(crypto::bytes_of("abc"));
  CHECK(Bytes(one.begin(), one.end()) == abc_digest);
  const crypto::Digest512 parts = crypto::sha512({crypto::bytes_of("a"), crypto::bytes_of(""), crypto::bytes_of("bc")});
  CHECK(parts == one);
  CHECK(crypto::sha512({}) == crypto::sha512(crypto::bytes_of("")));
  CHECK(crypto::sha512(crypto::bytes_of("abd")) != one);
}

TEST_CASE("ed25519: the RFC 8032 7.1 vectors verify, and the test signer reproduces them") {
  CHECK(kVectors[3].message.size() == 1023);
  for (const Vector& v : kVectors) {
    CAPTURE(v.name);
    B32 pk{};
    B64 sig{};
    ed25519::detail::public_key_for_test(v.seed.data(), pk.data());
    ed25519::detail::sign_for_test(v.seed.data(), v.message.data(), v.message.size(), sig.data());
    CHECK(pk == v.public_key);
    CHECK(sig == v.signature);
    const auto key = ed25519::prepare(v.public_key.data());
    REQUIRE(key != nullptr);
    CHECK(ed25519::verify(*key, v.message.data(), v.message.size(), v.signature.data()));
    CHECK(oracle(v.public_key, v.message, v.signature));
  }
  // A signature of one message does not verify another, nor under another key.
  CHECK_FALSE(ours(kVectors[1].public_key, kVectors[2].message, kVectors[1].signature));
  CHECK_FALSE(ours(kVectors[2].public_key, kVectors[1].message, kVectors[1].signature));
  // An empty message may come as a null pointer.
  const auto key1 = ed25519::prepare(kVectors[0].public_key.data());
  REQUIRE(key1 != nullptr);
  CHECK(ed25519::verify(*key1, nullptr, 0, kVectors[0].signature.data()));
  // Two tables of 32 entries of three field elements: 40-byte elements with 64-bit limbs, 80 with the 32-bit layer's.
#ifdef EDGEPG_ED25519_LIMB64
  CHECK(ed25519::detail::prepared_key_size_for_test() < 8 * 1024);
#else
  CHECK(ed25519::detail::prepared_key_size_for_test() < 16 * 1024);
#endif
}

TEST_CASE("ed25519: every single-bit change to the signature, the message or the key is rejected") {
  int key_refused = 0;
  for (const Vector& v : kVectors) {
    CAPTURE(v.name);
    const auto key = ed25519::prepare(v.public_key.data());
    REQUIRE(key != nullptr);
    REQUIRE(ed25519::verify(*key, v.message.data(), v.message.size(), v.signature.data()));
    for (int bit = 0; bit < 512; bit += kBitStep) {
      CAPTURE(bit);
      B64 sig = v.signature;
      sig[static_cast<std::size_t>(bit / 8)] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      CHECK_FALSE(ed25519::verify(*key, v.message.data(), v.message.size(), sig.data()));
    }
    const int message_step = v.message.size() > 64 ? kLongMessageBitStep : kBitStep;
    for (std::size_t bit = 0; bit < 8 * v.message.size(); bit += static_cast<std::size_t>(message_step)) {
      CAPTURE(bit);
      Bytes m = v.message;
      m[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      CHECK_FALSE(ed25519::verify(*key, m.data(), m.size(), v.signature.data()));
    }
    for (int bit = 0; bit < 256; bit += kBitStep) {
      CAPTURE(bit);
      B32 pk = v.public_key;
      pk[static_cast<std::size_t>(bit / 8)] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      const auto flipped = ed25519::prepare(pk.data());
      if (flipped == nullptr) {
        ++key_refused;
        CHECK_FALSE(oracle(pk, v.message, v.signature));  // OpenSSL cannot decode it either
      } else {
        CHECK_FALSE(ed25519::verify(*flipped, v.message.data(), v.message.size(), v.signature.data()));
      }
    }
  }
  // About half of all y values have no x: some flips must have met prepare()'s refusal.
  CHECK(key_refused > 0);
}

TEST_CASE("ed25519: verdicts match OpenSSL on signatures from 300 keys and their mutations") {
  Rng rng{20240612};
  int valid = 0;
  int cases = 0;
  int accepted = 0;
  for (int i = 0; i < kKeys; ++i) {
    CAPTURE(i);
    const std::string tag = std::to_string(i);
    const crypto::Digest256 seed = crypto::sha256(crypto::bytes_of("seed " + tag));
    B32 pk{};
    ed25519::detail::public_key_for_test(seed.data(), pk.data());
    const auto key = ed25519::prepare(pk.data());
    REQUIRE(key != nullptr);

    // Messages of 0 to 299 bytes.
    Bytes message(static_cast<std::size_t>(i));
    for (std::size_t j = 0; j < message.size(); ++j) message[j] = static_cast<std::uint8_t>(rng.next());
    B64 sig{};
    ed25519::detail::sign_for_test(seed.data(), message.data(), message.size(), sig.data());
    const bool our_valid = ed25519::verify(*key, message.data(), message.size(), sig.data());
    const bool their_valid = oracle(pk, message, sig);
    CHECK(our_valid);
    CHECK(their_valid);
    valid += (our_valid && their_valid) ? 1 : 0;

    for (int m = 0; m < kMutationsPerKey; ++m) {
      B64 ms = sig;
      Bytes mmsg = message;
      const auto flip = static_cast<std::uint8_t>(1 + rng.below(255));
      switch (rng.below(6)) {
        case 0:
          ms[rng.below(32)] ^= flip;
          break;  // a byte of R
        case 1:
          ms[32 + rng.below(32)] ^= flip;
          break;  // a byte of S
        case 2:   // a byte of the message (or one more byte)
          if (mmsg.empty()) {
            mmsg.push_back(flip);
          } else {
            mmsg[rng.below(mmsg.size())] ^= flip;
          }
          break;
        case 3: {  // S + L: the same residue, out of range
          const B32 s_plus_l = add_le(fixed<32>(Bytes(sig.begin() + 32, sig.end())), kL);
          for (std::size_t j = 0; j < 32; ++j) ms[32 + j] = s_plus_l[j];
          break;
        }
        case 4:
          ms[63] = static_cast<std::uint8_t>(ms[63] | (0x20u << rng.below(3)));
          break;  // one of S's top 3 bits
        default:
          ms[31] ^= 0x80;
          break;  // R's sign bit: -R
      }
      const bool our_verdict = ed25519::verify(*key, mmsg.data(), mmsg.size(), ms.data());
      const bool their_verdict = oracle(pk, mmsg, ms);
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

TEST_CASE("ed25519: small-order and non-canonical keys get OpenSSL's verdicts") {
  struct Edge {
    std::string name;
    B32 key;
    int order;  // of the decoded point: 1, 2, 4, 8; 0 for a point of large order or no point at all
  };
  std::vector<Edge> edges = {
      {"identity", hex32("0100000000000000000000000000000000000000000000000000000000000000"), 1},
      {"identity, sign bit set (x = 0: OpenSSL keeps it)",
       hex32("0100000000000000000000000000000000000000000000000000000000000080"), 1},
      {"order 2, (0, -1)", hex32("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 2},
      {"order 2, sign bit set", hex32("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), 2},
      {"order 4, y = 0", hex32("0000000000000000000000000000000000000000000000000000000000000000"), 4},
      {"order 4, y = 0, sign bit set", hex32("0000000000000000000000000000000000000000000000000000000000000080"), 4},
      {"order 8 (a)", hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"), 8},
      {"order 8 (b)", hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"), 8},
      {"order 8 (c)", hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"), 8},
      {"order 8 (d)", hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"), 8},
      {"all ones (y = p + 18)", hex32(std::string(64, 'f')), 0},
  };
  // Every non-canonical y = p + j (j = 0 .. 18, the only 255-bit values >= p), with both signs: y = p acts as 0
  // (order 4), p + 1 as the identity, p + 2 has no point, p + 3 is a point of large order, ...
  for (unsigned j = 0; j < 19; ++j) {
    for (unsigned sign = 0; sign < 2; ++sign) {
      B32 key = add_le(kP, small_le(j));
      key[31] = static_cast<std::uint8_t>(key[31] | (sign << 7));
      const int order = j == 0 ? 4 : j == 1 ? 1 : 0;
      edges.push_back({"p + " + std::to_string(j) + (sign != 0 ? ", sign bit set" : ""), key, order});
    }
  }

  // Signatures (R = [s]B, s) over varied messages: with A of order n they verify exactly when n divides k,
  // k = SHA-512(R || A || M) mod L hashed over A's bytes as given; with A of large order they never do.
  std::vector<Bytes> messages;
  std::vector<B64> signatures;
  for (int i = 0; i < kEdgeSignatures; ++i) {
    B32 s = crypto::sha256(crypto::bytes_of("s " + std::to_string(i)));
    s[31] &= 0x0F;  // < 2^252 < L
    signatures.push_back(signature_of(base_mul(s), s));
    messages.push_back(bytes_of("edge " + std::to_string(i)));
  }

  int decoded = 0;
  int refused = 0;
  for (const Edge& e : edges) {
    CAPTURE(e.name);
    const auto key = ed25519::prepare(e.key.data());
    if (e.order != 0) CHECK(key != nullptr);  // small order is no reason to refuse a key, for OpenSSL
    (key != nullptr ? decoded : refused) += 1;
    int accepted = 0;
    for (std::size_t i = 0; i < signatures.size(); ++i) {
      CAPTURE(i);
      const Bytes& message = messages[i];
      const B64& sig = signatures[i];
      const bool our_verdict = key != nullptr && ed25519::verify(*key, message.data(), message.size(), sig.data());
      CHECK(our_verdict == oracle(e.key, message, sig));
      accepted += our_verdict ? 1 : 0;
    }
    if (e.order == 1) CHECK(accepted == kEdgeSignatures);
    if (e.order == 0) CHECK(accepted == 0);
    // Among 48 hashes k, multiples of 2, 4 or 8 all but certainly turn up, and non-multiples too.
    if (kFull && e.order > 1) {
      CHECK(accepted > 0);
      CHECK(accepted < kEdgeSignatures);
    }
  }
  CHECK(refused > 0);
  CHECK(decoded > 0);
}

TEST_CASE("ed25519: s must be below L, and R is compared as encoded") {
  // Under the identity key every (R = [s]B, s) verifies, so only the range check and R's encoding decide.
  const B32 identity = hex32("0100000000000000000000000000000000000000000000000000000000000000");
  const Bytes message = bytes_of("range");
  struct Case {
    const char* name;
    B32 r, s;
    bool expected;
  };
  B32 top_bit = small_le(5);
  top_bit[31] = 0x80;  // 5 + 2^255
  B32 bit_253 = kLMinus1;
  bit_253[31] |= 0x20;           // L - 1 + 2^253
  B32 r_sign = base_mul(B32{});  // the identity's encoding, 01 00 ... 00
  r_sign[31] |= 0x80;            // x = 0 with the sign bit: not canonical
  const Case cases[] = {
      {"s = 0, R = identity", base_mul(B32{}), B32{}, true},
      {"s = 1, R = B", base_mul(small_le(1)), small_le(1), true},
      {"s = L - 1, R = -B", base_mul(kLMinus1), kLMinus1, true},
      {"s = L, R = identity", base_mul(kL), kL, false},
      {"s = L + 1, R = B", base_mul(add_le(kL, small_le(1))), add_le(kL, small_le(1)), false},
      {"s = 5 + 2^255", base_mul(small_le(5)), top_bit, false},
      {"s = L - 1 + 2^253", base_mul(kLMinus1), bit_253, false},
      {"R = identity with the sign bit set", r_sign, B32{}, false},
      {"R = identity as y = p + 1", add_le(kP, small_le(1)), B32{}, false},
      {"R = all zero (y = 0, a point of order 4)", B32{}, B32{}, false},
  };
  CHECK(base_mul(kL) == base_mul(B32{}));  // [L]B is the identity
  CHECK(base_mul(add_le(kL, small_le(1))) == base_mul(small_le(1)));
  const auto key = ed25519::prepare(identity.data());
  REQUIRE(key != nullptr);
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const B64 sig = signature_of(c.r, c.s);
    CHECK(ed25519::verify(*key, message.data(), message.size(), sig.data()) == c.expected);
    CHECK(oracle(identity, message, sig) == c.expected);
  }

  // And under an ordinary key: its valid signature with S + L, or with one of S's top three bits set, fails.
  const Vector& v = kVectors[2];
  B64 sig = v.signature;
  const B32 s_plus_l = add_le(fixed<32>(Bytes(sig.begin() + 32, sig.end())), kL);
  for (std::size_t j = 0; j < 32; ++j) sig[32 + j] = s_plus_l[j];
  CHECK_FALSE(ours(v.public_key, v.message, sig));
  CHECK_FALSE(oracle(v.public_key, v.message, sig));
  for (unsigned bit = 5; bit < 8; ++bit) {
    CAPTURE(bit);
    sig = v.signature;
    sig[63] = static_cast<std::uint8_t>(sig[63] | (1u << bit));
    CHECK_FALSE(ours(v.public_key, v.message, sig));
    CHECK_FALSE(oracle(v.public_key, v.message, sig));
  }
}

TEST_CASE("ed25519: 2,000 verifications in a row with one prepared key") {
  const Vector& v = kVectors[4];
  const auto key = ed25519::prepare(v.public_key.data());
  REQUIRE(key != nullptr);
  int ok = 0;
  for (int i = 0; i < kRuns; ++i) {
    ok += ed25519::verify(*key, v.message.data(), v.message.size(), v.signature.data()) ? 1 : 0;
  }
  CHECK(ok == kRuns);
}
