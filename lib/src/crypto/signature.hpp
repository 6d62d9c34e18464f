// Public-key signature and HMAC verification for JOSE (RFC 7518 §3): RSASSA-PKCS1-v1_5, RSASSA-PSS, ECDSA over
// P-256/384/521, Ed25519 (RFC 8037) and HMAC-SHA-2. Keys are built from raw JWK components with OpenSSL 3's
// EVP_PKEY_fromdata (no deprecated RSA_* / EC_KEY_* calls). Only crypto/*.cpp include OpenSSL.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/crypto.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept opaque here

namespace edgepg::crypto {

namespace ed25519 {
class PreparedKey;  // ed25519.hpp: a decoded key with its tables (builds with EDGEPG_FAST_ED25519)
}
namespace p256 {
class PreparedKey;  // p256.hpp: a P-256 key with its tables (builds with EDGEPG_PORTABLE_P256)
}
namespace nist {
class PreparedKey;  // nist_ecdsa.hpp: a P-384/P-521 key with its tables (builds with EDGEPG_PORTABLE_EC)
}

enum class HashAlg { sha256, sha384, sha512 };
enum class SigScheme { rsa_pkcs1, rsa_pss, ecdsa, eddsa };
enum class KeyKind { rsa, ec_p256, ec_p384, ec_p521, ed25519 };

// Digest size in bytes (32, 48, 64).
std::size_t hash_size(HashAlg h) noexcept;
// The digest of `data` with `h` (hash_size(h) bytes of `out`, the rest zero); an empty span if OpenSSL fails.
using DigestBuffer = std::array<std::uint8_t, 64>;
ByteView digest(HashAlg h, ByteView data, DigestBuffer& out) noexcept;
// Field size in bytes of an EC curve (32, 48, 66); 0 for other kinds. JOSE's ECDSA signature is r||s, each this long.
std::size_t ec_field_size(KeyKind k) noexcept;

// RSA moduli above this are refused when a key is built (OpenSSL's own ceiling for RSA operations).
inline constexpr int rsa_max_bits = 16384;

// An immutable public key; cheap to copy (shared). Built only through the factories below.
class PublicKey {
 public:
  PublicKey() = default;

  // RSA from big-endian modulus n and exponent e. Refuses an even or trivial exponent and moduli over rsa_max_bits.
  // The caller applies its own minimum size through bits(). On failure returns false and sets `error` to a
  // sentence without key material.
  static bool from_rsa(ByteView n, ByteView e, PublicKey& out, std::string& error);
  // EC from affine coordinates, each exactly ec_field_size(curve) bytes; the point must lie on the curve.
  static bool from_ec(KeyKind curve, ByteView x, ByteView y, PublicKey& out, std::string& error);
  // Ed25519 from its 32-byte public key.
  static bool from_ed25519(ByteView x, PublicKey& out, std::string& error);

  [[nodiscard]] bool valid() const noexcept { return valid_; }
  [[nodiscard]] KeyKind kind() const noexcept { return kind_; }
  [[nodiscard]] int bits() const noexcept { return bits_; }

 private:
  friend bool verify_signature(const PublicKey&, SigScheme, HashAlg, ByteView, ByteView) noexcept;
  friend bool verify_with_openssl(const PublicKey&, SigScheme, HashAlg, ByteView, ByteView) noexcept;
  std::shared_ptr<evp_pkey_st> pkey_;
  // A P-256 key prepared for p256.hpp's verifier where the build uses it (EDGEPG_PORTABLE_P256); null otherwise.
  std::shared_ptr<const p256::PreparedKey> p256_;
  // An Ed25519 key prepared for ed25519.hpp's verifier where the build uses it; null when the key does not decode
  // (OpenSSL accepts such a key and fails every verification with it: so does edgepg).
  std::shared_ptr<const ed25519::PreparedKey> ed25519_;
  // A P-384/P-521 key prepared for nist_ecdsa.hpp's verifier where the build uses it (EDGEPG_PORTABLE_EC).
  std::shared_ptr<const nist::PreparedKey> nist_;
  KeyKind kind_ = KeyKind::rsa;
  int bits_ = 0;
  bool valid_ = false;  // built by a factory (pkey_ is null for curves an OpenSSL without EC lacks)
};

// Verifies `signature` over `data`. For ecdsa the signature is JOSE's raw r||s (RFC 7518 §3.4), converted to DER
// here; for eddsa the hash argument is ignored. Builds with EDGEPG_PORTABLE_P256 (the wasm build, and native builds
// with EDGEPG_FAST_P256) verify ES256 with p256.hpp (keys prepared once) instead of OpenSSL; builds with
// EDGEPG_FAST_ED25519 verify EdDSA with ed25519.hpp (keys prepared once), with OpenSSL's accept/reject rules; builds
// with EDGEPG_PORTABLE_EC (the wasm build) verify ES384/ES512 with nist_ecdsa.hpp.
// False for any mismatch of scheme and key kind, a wrong signature length, or a signature that does not verify.
bool verify_signature(const PublicKey& key, SigScheme scheme, HashAlg hash, ByteView data, ByteView signature) noexcept;

// verify_signature through OpenSSL always, whatever the build's own verifiers: the oracle that tests and fuzz targets
// compare p256.hpp and ed25519.hpp with.
bool verify_with_openssl(const PublicKey& key, SigScheme scheme, HashAlg hash, ByteView data,
                         ByteView signature) noexcept;

// HMAC-SHA-2 of data under key compared in constant time with mac (false when the lengths differ).
bool verify_hmac(HashAlg hash, ByteView key, ByteView data, ByteView mac) noexcept;

// JOSE raw ECDSA r||s (even length, at most 2*66 bytes) to a DER ECDSA-Sig-Value (SEQUENCE of two INTEGERs).
// nullopt for an odd or oversized length.
std::optional<std::vector<std::uint8_t>> ecdsa_raw_to_der(ByteView raw);

}  // namespace edgepg::crypto
