// libFuzzer target: edgepg's P-256 verifier (lib/src/crypto/p256.cpp; built here with its 32-bit limbs, the wasm
// build's), unprepared and with a prepared key, against OpenSSL's
// (crypto::verify_with_openssl). Both must give the same verdict on every input:
//   0. arbitrary x, y, r||s and message: on_curve agrees with OpenSSL accepting the key; then the verdicts agree;
//   1. a key d*G and an arbitrary r||s (the whole u1*G + u2*Q ladder runs on fuzzer-chosen scalars);
//   2. a valid signature (test-only signer, nonce from the input) that both accept, then one byte of it or of the
//      message changed: the verdicts agree (and are false unless the change was a no-op).
// Nothing here may hang: s^-1 and the ladder must terminate for every r and s.
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "../unit/support/p256_signer.hpp"
#include "crypto/crypto.hpp"
#include "crypto/p256.hpp"
#include "crypto/signature.hpp"
#include "fuzz_util.hpp"

using namespace edgepg;
namespace p256 = edgepg::crypto::p256;

namespace {

using B32 = std::array<std::uint8_t, 32>;

B32 take32(FuzzedDataProvider& fdp) {
  B32 out{};
  const auto bytes = fdp.ConsumeBytes<std::uint8_t>(32);
  for (std::size_t i = 0; i < bytes.size(); ++i) out[i] = bytes[i];
  return out;
}

// The OpenSSL-backed key, when OpenSSL accepts (x, y).
struct Oracle {
  bool key_ok = false;
  crypto::PublicKey key;
};

Oracle openssl_key(const B32& x, const B32& y) {
  Oracle o;
  std::string error;
  o.key_ok = crypto::PublicKey::from_ec(crypto::KeyKind::ec_p256, x, y, o.key, error);
  return o;
}

bool openssl_verify(const Oracle& o, crypto::ByteView msg, const std::array<std::uint8_t, 64>& sig) {
  return crypto::verify_with_openssl(o.key, crypto::SigScheme::ecdsa, crypto::HashAlg::sha256, msg, sig);
}

using Prepared = std::shared_ptr<const p256::PreparedKey>;

Prepared prepare(const B32& x, const B32& y) {
  Prepared prepared = p256::prepare(x.data(), y.data());
  EDGEPG_FUZZ_CHECK(prepared != nullptr);  // only called with keys on the curve
  return prepared;
}

// 1 <= v < n (the group order), v 32 bytes big-endian.
bool scalar_in_range(const std::uint8_t* v) {
  static constexpr std::array<std::uint8_t, 32> n = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
                                                     0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
                                                     0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
  bool zero = true;
  for (int i = 0; i < 32; ++i) zero = zero && v[i] == 0;
  return !zero && std::memcmp(v, n.data(), 32) < 0;
}

// The verdict of the prepared key (tables built once per key and input, as callers do: mode 2 verifies twice with
// one key) and of the unprepared verify (tables built per call), which must agree. The unprepared path is the same
// tables and ladder after its own range checks, so it runs on one input in eight (chosen by the digest) and whenever
// r or s is out of range (where it returns before building anything): a full second verification on every input
// halved this target's rate.
bool ours(const B32& x, const B32& y, const p256::PreparedKey& prepared, crypto::ByteView msg,
          const std::array<std::uint8_t, 64>& sig) {
  const crypto::Digest256 e = crypto::sha256(msg);
  const bool verdict = p256::verify(prepared, e.data(), sig.data(), sig.data() + 32);
  if ((e[0] & 7) == 0 || !scalar_in_range(sig.data()) || !scalar_in_range(sig.data() + 32)) {
    EDGEPG_FUZZ_CHECK(p256::verify(x.data(), y.data(), e.data(), sig.data(), sig.data() + 32) == verdict);
  }
  return verdict;
}

std::array<std::uint8_t, 64> join(const B32& r, const B32& s) {
  std::array<std::uint8_t, 64> sig{};
  for (int i = 0; i < 32; ++i) {
    sig[i] = r[i];
    sig[32 + i] = s[i];
  }
  return sig;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const int mode = fdp.ConsumeIntegralInRange<int>(0, 2);
  B32 d{}, x{}, y{};
  if (mode == 0) {
    x = take32(fdp);
    y = take32(fdp);
  } else {
    d = take32(fdp);
    if (!p256::detail::public_key_for_test(d.data(), x.data(), y.data())) return 0;  // d = 0 or d >= n
  }
  const Oracle oracle = openssl_key(x, y);
  EDGEPG_FUZZ_CHECK(p256::on_curve(x.data(), y.data()) == oracle.key_ok);
  if (!oracle.key_ok) return 0;

  if (mode < 2) {
    const B32 r = take32(fdp);
    const B32 s = take32(fdp);
    const auto sig = join(r, s);
    const auto msg = fdp.ConsumeRemainingBytes<std::uint8_t>();
    EDGEPG_FUZZ_CHECK(ours(x, y, *prepare(x, y), msg, sig) == openssl_verify(oracle, msg, sig));
    return 0;
  }

  // Mode 2: a valid signature, then one changed byte.
  const B32 k = take32(fdp);
  const auto where = fdp.ConsumeIntegral<std::uint16_t>();
  const auto flip = fdp.ConsumeIntegral<std::uint8_t>();
  std::vector<std::uint8_t> msg = fdp.ConsumeRemainingBytes<std::uint8_t>();
  const crypto::Digest256 e = crypto::sha256(msg);
  B32 r{}, s{};
  if (!p256::detail::sign_for_test(d.data(), k.data(), e.data(), r.data(), s.data())) return 0;  // k = 0, >= n, ...
  auto sig = join(r, s);
  const Prepared prepared = prepare(x, y);
  // The valid signature through the prepared key only (the unprepared path is compared below, on the changed one,
  // where its range checks before the tables matter): one ladder less per input.
  EDGEPG_FUZZ_CHECK(p256::verify(*prepared, e.data(), sig.data(), sig.data() + 32));
  EDGEPG_FUZZ_CHECK(openssl_verify(oracle, msg, sig));
  const std::size_t span = sig.size() + msg.size();
  const std::size_t at = where % span;
  if (at < sig.size())
    sig[at] ^= flip;
  else
    msg[at - sig.size()] ^= flip;
  const bool verdict = ours(x, y, *prepared, msg, sig);
  EDGEPG_FUZZ_CHECK(verdict == openssl_verify(oracle, msg, sig));
  // A changed r or s does not verify (the malleable twin n-s differs from s in far more than one byte).
  if (flip != 0 && at < sig.size()) EDGEPG_FUZZ_CHECK(!verdict);
  return 0;
}
