#include "signature.hpp"

#include "p256.hpp"
#ifdef EDGEPG_FAST_ED25519
#include "ed25519.hpp"
#endif
#ifdef EDGEPG_PORTABLE_EC
#include "nist_ecdsa.hpp"
#endif

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <algorithm>

// An OpenSSL without its elliptic-curve code (the wasm build's: scripts/build-openssl-wasm) leaves every curve to
// edgepg's own verifiers, which must then all be built.
#if defined(OPENSSL_NO_EC) && \
    !(defined(EDGEPG_PORTABLE_P256) && defined(EDGEPG_PORTABLE_EC) && defined(EDGEPG_FAST_ED25519))
#error "OpenSSL was built with no-ec: build with EDGEPG_PORTABLE_P256, EDGEPG_PORTABLE_EC and EDGEPG_FAST_ED25519"
#endif

namespace edgepg::crypto {
namespace {

const EVP_MD* md_of(HashAlg h) noexcept {
  switch (h) {
    case HashAlg::sha256:
      return EVP_sha256();
    case HashAlg::sha384:
      return EVP_sha384();
    case HashAlg::sha512:
      return EVP_sha512();
  }
  return nullptr;
}

struct BnFree {
  void operator()(BIGNUM* b) const noexcept { BN_free(b); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* b) const noexcept { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};
struct PctxFree {
  void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

std::shared_ptr<evp_pkey_st> own(EVP_PKEY* p) {
  return std::shared_ptr<evp_pkey_st>(p, [](EVP_PKEY* k) { EVP_PKEY_free(k); });
}

// Builds a public EVP_PKEY of `type` ("RSA", "EC") from an OSSL_PARAM list; nullptr when OpenSSL refuses it.
EVP_PKEY* from_params(const char* type, OSSL_PARAM* params) noexcept {
  std::unique_ptr<EVP_PKEY_CTX, PctxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  EVP_PKEY* pkey = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) return nullptr;
  return pkey;
}

ByteView strip_leading_zeros(ByteView v) noexcept {
  std::size_t i = 0;
  while (i < v.size() && v[i] == 0) ++i;
  return v.subspan(i);
}

// DER INTEGER content for an unsigned big-endian value: minimal, with a 0x00 when the top bit is set.
void append_der_integer(std::vector<std::uint8_t>& out, ByteView v) {
  v = strip_leading_zeros(v);
  const bool pad = v.empty() || (v[0] & 0x80) != 0;
  const std::size_t len = v.size() + (pad ? 1 : 0);
  out.push_back(0x02);
  out.push_back(static_cast<std::uint8_t>(len));  // at most 67: always the short form
  if (pad) out.push_back(0x00);
  out.insert(out.end(), v.begin(), v.end());
}

#ifdef EDGEPG_PORTABLE_EC
// A P-384 or P-521 key for nist_ecdsa.hpp's verifier; nullptr when the point is not on the curve.
std::shared_ptr<const nist::PreparedKey> prepare_nist(KeyKind curve, ByteView x, ByteView y) {
  return nist::prepare(curve == KeyKind::ec_p384 ? nist::Curve::p384 : nist::Curve::p521, x.data(), y.data());
}
#endif

}  // namespace

std::size_t hash_size(HashAlg h) noexcept {
  switch (h) {
    case HashAlg::sha256:
      return 32;
    case HashAlg::sha384:
      return 48;
    case HashAlg::sha512:
      return 64;
  }
  return 0;
}

ByteView digest(HashAlg h, ByteView data, DigestBuffer& out) noexcept {
  out.fill(0);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md_of(h), nullptr) != 1) return {};
  return {out.data(), len};
}

std::size_t ec_field_size(KeyKind k) noexcept {
  switch (k) {
    case KeyKind::ec_p256:
      return 32;
    case KeyKind::ec_p384:
      return 48;
    case KeyKind::ec_p521:
      return 66;
    case KeyKind::rsa:
    case KeyKind::ed25519:
      return 0;
  }
  return 0;
}

bool PublicKey::from_rsa(ByteView n, ByteView e, PublicKey& out, std::string& error) {
  const ByteView n_trim = strip_leading_zeros(n);
  const ByteView e_trim = strip_leading_zeros(e);
  if (n_trim.empty() || e_trim.empty()) {
    error = "the RSA modulus or exponent is zero";
    return false;
  }
  if (n_trim.size() * 8 > static_cast<std::size_t>(rsa_max_bits)) {
    error = "the RSA modulus is larger than 16384 bits";
    return false;
  }
  // e = 1 makes every signature trivially forgeable; an even e is not an RSA key at all.
  if ((e_trim.back() & 1) == 0 || (e_trim.size() == 1 && e_trim[0] == 1) || e_trim.size() > n_trim.size()) {
    error = "the RSA public exponent is not a valid exponent";
    return false;
  }
  std::unique_ptr<BIGNUM, BnFree> bn_n(BN_bin2bn(n_trim.data(), static_cast<int>(n_trim.size()), nullptr));
  std::unique_ptr<BIGNUM, BnFree> bn_e(BN_bin2bn(e_trim.data(), static_cast<int>(e_trim.size()), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    error = "OpenSSL could not hold the RSA key";
    return false;
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  EVP_PKEY* pkey = params ? from_params("RSA", params.get()) : nullptr;
  if (pkey == nullptr) {
    error = "OpenSSL refused the RSA key";
    return false;
  }
  out.pkey_ = own(pkey);
  out.kind_ = KeyKind::rsa;
  out.bits_ = EVP_PKEY_get_bits(pkey);
  out.valid_ = true;
  return true;
}

bool PublicKey::from_ec(KeyKind curve, ByteView x, ByteView y, PublicKey& out, std::string& error) {
  const char* group = nullptr;
  switch (curve) {
    case KeyKind::ec_p256:
      group = "prime256v1";
      break;
    case KeyKind::ec_p384:
      group = "secp384r1";
      break;
    case KeyKind::ec_p521:
      group = "secp521r1";
      break;
    case KeyKind::rsa:
    case KeyKind::ed25519:
      break;
  }
  const std::size_t field = ec_field_size(curve);
  if (group == nullptr) {
    error = "not an EC curve";
    return false;
  }
  // RFC 7518 §6.2.1.2/§6.2.1.3: x and y are exactly the field size, leading zeros kept.
  if (x.size() != field || y.size() != field) {
    error = "the EC coordinates x and y must each be exactly " + std::to_string(field) + " bytes for this curve";
    return false;
  }
#ifdef OPENSSL_NO_EC
  // No EC in this OpenSSL: edgepg's verifiers decode the point, refusing coordinates >= p and points off the curve.
  (void)group;
  if (curve == KeyKind::ec_p256) {
    out.p256_ = p256::prepare(x.data(), y.data());
  } else {
    out.nist_ = prepare_nist(curve, x, y);
  }
  if (!out.p256_ && !out.nist_) {
    error = "the EC point is not on the curve";
    return false;
  }
  out.kind_ = curve;
  out.bits_ = curve == KeyKind::ec_p256 ? 256 : curve == KeyKind::ec_p384 ? 384 : 521;
  out.valid_ = true;
  return true;
#else
  std::vector<std::uint8_t> point;
  point.reserve(1 + 2 * field);
  point.push_back(0x04);  // SEC 1 uncompressed point
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    error = "OpenSSL could not hold the EC key";
    return false;
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  // OpenSSL decodes the point with EC_POINT_oct2point, which refuses a point that is not on the curve.
  EVP_PKEY* pkey = params ? from_params("EC", params.get()) : nullptr;
  if (pkey == nullptr) {
    error = "the EC point is not on the curve";
    return false;
  }
  out.pkey_ = own(pkey);
#ifdef EDGEPG_PORTABLE_P256
  // OpenSSL accepted the point, so it is on the curve and prepare() returns a key (or throws std::bad_alloc).
  out.p256_ = curve == KeyKind::ec_p256 ? p256::prepare(x.data(), y.data()) : nullptr;
#endif
#ifdef EDGEPG_PORTABLE_EC
  if (curve != KeyKind::ec_p256) {
    out.nist_ = prepare_nist(curve, x, y);
  }
#endif
  out.kind_ = curve;
  out.bits_ = EVP_PKEY_get_bits(pkey);
  out.valid_ = true;
  return true;
#endif  // OPENSSL_NO_EC
}

bool PublicKey::from_ed25519(ByteView x, PublicKey& out, std::string& error) {
  if (x.size() != 32) {
    error = "an Ed25519 public key is exactly 32 bytes";
    return false;
  }
#ifndef OPENSSL_NO_EC
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, x.data(), x.size());
  if (pkey == nullptr) {
    error = "OpenSSL refused the Ed25519 key";
    return false;
  }
  out.pkey_ = own(pkey);
#endif
#ifdef EDGEPG_FAST_ED25519
  out.ed25519_ = ed25519::prepare(x.data());
#endif
  out.kind_ = KeyKind::ed25519;
  out.bits_ = 253;
  out.valid_ = true;
  return true;
}

std::optional<std::vector<std::uint8_t>> ecdsa_raw_to_der(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 2 * 66) return std::nullopt;
  const std::size_t half = raw.size() / 2;
  std::vector<std::uint8_t> body;
  body.reserve(raw.size() + 6);
  append_der_integer(body, raw.first(half));
  append_der_integer(body, raw.subspan(half));
  std::vector<std::uint8_t> der;
  der.reserve(body.size() + 3);
  der.push_back(0x30);
  if (body.size() >= 0x80) der.push_back(0x81);  // P-521: up to 138 content bytes, one length byte suffices
  der.push_back(static_cast<std::uint8_t>(body.size()));
  der.insert(der.end(), body.begin(), body.end());
  return der;
}

namespace {

// The scheme suits the key, and the signature's length the scheme (JOSE's raw r||s for ECDSA).
bool scheme_fits(const PublicKey& key, SigScheme scheme, ByteView signature) noexcept {
  if (!key.valid() || signature.empty()) return false;
  const KeyKind kind = key.kind();
  switch (scheme) {
    case SigScheme::rsa_pkcs1:
    case SigScheme::rsa_pss:
      return kind == KeyKind::rsa;
    case SigScheme::ecdsa:
      return ec_field_size(kind) != 0 && signature.size() == 2 * ec_field_size(kind);
    case SigScheme::eddsa:
      return kind == KeyKind::ed25519;
  }
  return false;
}

}  // namespace

bool verify_signature(const PublicKey& key, SigScheme scheme, HashAlg hash, ByteView data,
                      ByteView signature) noexcept {
  if (!scheme_fits(key, scheme, signature)) return false;
#ifdef EDGEPG_PORTABLE_P256
  if (scheme == SigScheme::ecdsa && key.kind() == KeyKind::ec_p256 && hash == HashAlg::sha256) {
    if (!key.p256_) return false;  // not reached: from_ec prepares every P-256 key it accepts
    const Digest256 e = sha256(data);
    return p256::verify(*key.p256_, e.data(), signature.data(), signature.data() + 32);
  }
#endif
#ifdef EDGEPG_PORTABLE_EC
  if (scheme == SigScheme::ecdsa && key.nist_) {
    DigestBuffer buffer;
    const ByteView e = digest(hash, data, buffer);
    return !e.empty() &&
           nist::verify(*key.nist_, e.data(), e.size(), signature.data(), signature.data() + signature.size() / 2);
  }
#endif
#ifdef EDGEPG_FAST_ED25519
  if (scheme == SigScheme::eddsa) {
    return signature.size() == 64 && key.ed25519_ &&
           ed25519::verify(*key.ed25519_, data.data(), data.size(), signature.data());
  }
#endif
  return verify_with_openssl(key, scheme, hash, data, signature);
}

bool verify_with_openssl(const PublicKey& key, SigScheme scheme, HashAlg hash, ByteView data,
                         ByteView signature) noexcept {
  if (!scheme_fits(key, scheme, signature) || !key.pkey_) return false;  // no pkey_: this OpenSSL lacks the curve
  try {
    std::vector<std::uint8_t> der;
    ByteView sig = signature;
    if (scheme == SigScheme::ecdsa) {
      auto converted = ecdsa_raw_to_der(signature);
      if (!converted) return false;
      der = std::move(*converted);
      sig = der;
    }
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> mctx(EVP_MD_CTX_new());
    if (!mctx) return false;
    EVP_PKEY_CTX* pctx = nullptr;  // owned by mctx
    const EVP_MD* md = scheme == SigScheme::eddsa ? nullptr : md_of(hash);
    if (EVP_DigestVerifyInit(mctx.get(), &pctx, md, nullptr, key.pkey_.get()) != 1) return false;
    if (scheme == SigScheme::rsa_pkcs1 && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
    if (scheme == SigScheme::rsa_pss) {
      // RFC 7518 §3.5: MGF1 with the same hash (OpenSSL's default) and a salt as long as the digest.
      if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
          EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
        return false;
      }
    }
    return EVP_DigestVerify(mctx.get(), sig.data(), sig.size(), data.data(), data.size()) == 1;
  } catch (...) {
    return false;  // allocation failure of the DER buffer
  }
}

bool verify_hmac(HashAlg hash, ByteView key, ByteView data, ByteView mac) noexcept {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // HMAC() wants a non-null key pointer even for an empty key.
  static const unsigned char empty = 0;
  const unsigned char* k = key.empty() ? &empty : key.data();
  if (HMAC(md_of(hash), k, static_cast<int>(key.size()), data.data(), data.size(), out, &len) == nullptr) {
    return false;
  }
  const bool same = len == mac.size() && CRYPTO_memcmp(out, mac.data(), len) == 0;
  OPENSSL_cleanse(out, sizeof out);
  return same;
}

}  // namespace edgepg::crypto
