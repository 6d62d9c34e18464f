// libFuzzer target: edgepg's native Ed25519 verifier (lib/src/crypto/ed25519.cpp) against OpenSSL's
// (crypto::verify_with_openssl). Both must give the same verdict on every input:
//   0. an arbitrary 32-byte key, signature and message (keys that do not decode, small-order keys, s >= L, ...);
//   1. a valid signature from a seed (test-only signer) that both accept, then one byte of the signature, the key or
//      the message changed: the verdicts agree (and are false when the signature or the key changed).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "../unit/support/ed25519_signer.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/signature.hpp"
#include "fuzz_util.hpp"

using namespace edgepg;
namespace ed25519 = edgepg::crypto::ed25519;

namespace {

template <std::size_t N>
std::array<std::uint8_t, N> take(FuzzedDataProvider& fdp) {
  std::array<std::uint8_t, N> out{};
  const auto bytes = fdp.ConsumeBytes<std::uint8_t>(N);
  for (std::size_t i = 0; i < bytes.size(); ++i) out[i] = bytes[i];
  return out;
}

// Ours and OpenSSL's verdicts on one (key, message, signature); aborts when they differ.
bool same_verdict(const std::array<std::uint8_t, 32>& pk, const std::vector<std::uint8_t>& msg,
                  const std::array<std::uint8_t, 64>& sig) {
  crypto::PublicKey key;
  std::string error;
  EDGEPG_FUZZ_CHECK(crypto::PublicKey::from_ed25519(pk, key, error));  // OpenSSL takes any 32 bytes as a raw key
  const bool theirs = crypto::verify_with_openssl(key, crypto::SigScheme::eddsa, crypto::HashAlg::sha512, msg, sig);
  const auto prepared = ed25519::prepare(pk.data());
  const bool ours = prepared && ed25519::verify(*prepared, msg.data(), msg.size(), sig.data());
  EDGEPG_FUZZ_CHECK(ours == theirs);
  return ours;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  if (fdp.ConsumeBool()) {
    const auto pk = take<32>(fdp);
    const auto sig = take<64>(fdp);
    (void)same_verdict(pk, fdp.ConsumeRemainingBytes<std::uint8_t>(), sig);
    return 0;
  }
  const auto seed = take<32>(fdp);
  const auto where = fdp.ConsumeIntegral<std::uint16_t>();
  const auto flip = fdp.ConsumeIntegral<std::uint8_t>();
  std::vector<std::uint8_t> msg = fdp.ConsumeRemainingBytes<std::uint8_t>();
  std::array<std::uint8_t, 32> pk{};
  std::array<std::uint8_t, 64> sig{};
  ed25519::detail::public_key_for_test(seed.data(), pk.data());
  ed25519::detail::sign_for_test(seed.data(), msg.data(), msg.size(), sig.data());
  EDGEPG_FUZZ_CHECK(same_verdict(pk, msg, sig));
  const std::size_t at = where % (sig.size() + pk.size() + msg.size());
  if (at < sig.size())
    sig[at] ^= flip;
  else if (at < sig.size() + pk.size())
    pk[at - sig.size()] ^= flip;
  else
    msg[at - sig.size() - pk.size()] ^= flip;
  const bool verdict = same_verdict(pk, msg, sig);
  if (flip != 0 && at < sig.size() + pk.size()) EDGEPG_FUZZ_CHECK(!verdict);
  return 0;
}
