// libFuzzer target: edgepg's P-384/P-521 verifier (lib/src/crypto/nist_ecdsa.cpp, the wasm build's ES384/ES512)
// against OpenSSL's (crypto::verify_with_openssl). Both must give the same verdict on every input:
//   0. arbitrary x, y, r||s and message: prepare() accepts the key exactly when OpenSSL does; then the verdicts agree;
//   1. a key from OpenSSL's signatures (tests/unit/support/nist_vectors.hpp) and an arbitrary r||s and message (the
//      whole u1*G + u2*Q chain runs on fuzzer-chosen scalars);
//   2. one of those valid signatures, which both accept, then one byte of it or of its message changed.
// Nothing here may hang: s^-1 and the chain must terminate for every r and s.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../unit/support/nist_vectors.hpp"
#include "crypto/crypto.hpp"
#include "crypto/nist_ecdsa.hpp"
#include "crypto/signature.hpp"
#include "fuzz_util.hpp"
#include "util/hex.hpp"

using namespace edgepg;
namespace nist = edgepg::crypto::nist;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes unhex(const char* hex) {
  std::string raw;
  EDGEPG_FUZZ_CHECK(util::hex_decode_append(hex, raw));
  return {raw.begin(), raw.end()};
}

struct Curve {
  nist::Curve curve;
  crypto::KeyKind kind;
  crypto::HashAlg hash;
  const std::vector<test::NistVector>* vectors;
};

const Curve kCurves[] = {
    {nist::Curve::p384, crypto::KeyKind::ec_p384, crypto::HashAlg::sha384, &test::kP384Vectors},
    {nist::Curve::p521, crypto::KeyKind::ec_p521, crypto::HashAlg::sha512, &test::kP521Vectors},
};

// Both verdicts; the keys' acceptance must already agree.
bool agree(const Curve& c, const nist::PreparedKey& ours, const crypto::PublicKey& theirs, const Bytes& message,
           const Bytes& signature) {
  const std::size_t half = nist::field_bytes(c.curve);
  crypto::DigestBuffer buffer;
  const crypto::ByteView e = crypto::digest(c.hash, message, buffer);
  EDGEPG_FUZZ_CHECK(e.size() == crypto::hash_size(c.hash));
  const bool a = nist::verify(ours, e.data(), e.size(), signature.data(), signature.data() + half);
  const bool b = crypto::verify_with_openssl(theirs, crypto::SigScheme::ecdsa, c.hash, message, signature);
  EDGEPG_FUZZ_CHECK(a == b);
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const int mode = fdp.ConsumeIntegralInRange<int>(0, 2);
  const Curve& c = kCurves[fdp.ConsumeIntegralInRange<int>(0, 1)];
  const std::size_t half = nist::field_bytes(c.curve);
  Bytes x, y, signature, message;
  if (mode == 0) {
    x = fdp.ConsumeBytes<std::uint8_t>(half);
    y = fdp.ConsumeBytes<std::uint8_t>(half);
    if (x.size() != half || y.size() != half) return 0;
  } else {
    const auto& v = (*c.vectors)[fdp.ConsumeIntegralInRange<std::size_t>(0, c.vectors->size() - 1)];
    x = unhex(v.x);
    y = unhex(v.y);
    if (mode == 2) {
      signature = unhex(v.signature);
      message = unhex(v.message);
    }
  }
  const auto ours = nist::prepare(c.curve, x.data(), y.data());
  crypto::PublicKey theirs;
  std::string error;
  const bool theirs_ok = crypto::PublicKey::from_ec(c.kind, x, y, theirs, error);
  EDGEPG_FUZZ_CHECK((ours != nullptr) == theirs_ok);
  if (!ours) return 0;

  if (mode < 2) {
    signature = fdp.ConsumeBytes<std::uint8_t>(2 * half);
    if (signature.size() != 2 * half) return 0;
    message = fdp.ConsumeRemainingBytes<std::uint8_t>();
    (void)agree(c, *ours, theirs, message, signature);
    return 0;
  }
  EDGEPG_FUZZ_CHECK(agree(c, *ours, theirs, message, signature));  // OpenSSL's own signature
  const auto where = fdp.ConsumeIntegral<std::uint16_t>();
  const auto flip = fdp.ConsumeIntegral<std::uint8_t>();
  const std::size_t at = where % (signature.size() + message.size());
  if (at < signature.size()) {
    signature[at] ^= flip;
  } else {
    message[at - signature.size()] ^= flip;
  }
  const bool verdict = agree(c, *ours, theirs, message, signature);
  EDGEPG_FUZZ_CHECK(flip == 0 || !verdict || at < signature.size());  // a changed message never verifies
  return 0;
}
