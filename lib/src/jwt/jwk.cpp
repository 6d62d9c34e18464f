#include "edgepg/jwt/jwk.hpp"

#include <utility>

#include "json_bounded.hpp"
#include "jwk_impl.hpp"
#include "util/base64url.hpp"

namespace edgepg::jwt {
namespace {

using detail::as_string;
using detail::Json;
using detail::member;

const JwkSet::Impl& empty_impl() {
  static const JwkSet::Impl kEmpty;
  return kEmpty;
}

// One parsed key: its description, and the built key when usable.
struct ParsedKey {
  JwkInfo info;
  crypto::PublicKey key;
  std::optional<JwsAlg> alg;
};

bool refuse(ParsedKey& k, std::string reason) {
  k.info.usable = false;
  k.info.unusable_reason = std::move(reason);
  return false;
}

// A base64url member decoded; nullopt when absent, not a string or not strict base64url.
std::optional<std::vector<std::uint8_t>> b64_member(const Json& jwk, std::string_view name) {
  const std::string* s = as_string(member(jwk, name));
  if (s == nullptr) return std::nullopt;
  return util::base64url_decode(*s);
}

bool curve_fits(crypto::KeyKind kind, JwsAlg alg) noexcept {
  switch (kind) {
    case crypto::KeyKind::rsa:
      return jws_alg_family(alg) == AlgFamily::rsa;
    case crypto::KeyKind::ec_p256:
      return alg == JwsAlg::ES256;
    case crypto::KeyKind::ec_p384:
      return alg == JwsAlg::ES384;
    case crypto::KeyKind::ec_p521:
      return alg == JwsAlg::ES512;
    case crypto::KeyKind::ed25519:
      return alg == JwsAlg::EdDSA;
  }
  return false;
}

// RFC 7517 §4: reads kty, use, key_ops, alg, kid and the public members of one key. Returns whether it is usable;
// when not, k.info.unusable_reason says why.
bool parse_key(const Json& jwk, ParsedKey& k) {
  if (!jwk.is_object()) return refuse(k, "the key is not a JSON object");
  if (const Json* kid = member(jwk, "kid")) {
    const std::string* s = as_string(kid);
    if (s == nullptr) return refuse(k, "kid is not a string");
    k.info.kid = *s;
    k.info.has_kid = true;
  }
  const std::string* kty = as_string(member(jwk, "kty"));
  if (kty == nullptr) return refuse(k, "kty is missing or not a string");
  k.info.kty = *kty;
  if (const std::string* crv = as_string(member(jwk, "crv"))) k.info.crv = *crv;

  // RFC 7517 §4.2: "use" other than "sig" (e.g. "enc") is not a signature key.
  if (const Json* use = member(jwk, "use")) {
    const std::string* s = as_string(use);
    if (s == nullptr) return refuse(k, "use is not a string");
    if (*s != "sig") return refuse(k, "use is not \"sig\": the key is not for signatures");
  }
  // RFC 7517 §4.3: when key_ops is present it must allow "verify".
  if (const Json* ops = member(jwk, "key_ops")) {
    if (!ops->is_array()) return refuse(k, "key_ops is not an array");
    bool verify = false;
    for (const Json& op : *ops) {
      const std::string* s = as_string(&op);
      if (s == nullptr) return refuse(k, "key_ops holds a value that is not a string");
      if (*s == "verify") verify = true;
    }
    if (!verify) return refuse(k, "key_ops does not include \"verify\"");
  }
  if (const Json* alg = member(jwk, "alg")) {
    const std::string* s = as_string(alg);
    if (s == nullptr) return refuse(k, "alg is not a string");
    k.info.alg = *s;
    k.alg = parse_jws_alg(*s);
    if (!k.alg) return refuse(k, "alg is not a JWS signature algorithm this verifier implements");
  }

  std::string error;
  if (*kty == "RSA") {
    const auto n = b64_member(jwk, "n");
    const auto e = b64_member(jwk, "e");
    if (!n || !e) return refuse(k, "an RSA key needs n and e as base64url strings");
    if (!crypto::PublicKey::from_rsa(*n, *e, k.key, error)) return refuse(k, error);
    k.info.bits = k.key.bits();
    if (k.key.bits() < rsa_min_bits) {
      k.key = {};
      return refuse(k, "the RSA key has " + std::to_string(k.info.bits) +
                           " bits; keys under 2048 bits are refused: the issuer must publish a larger key");
    }
  } else if (*kty == "EC") {
    crypto::KeyKind kind;
    if (k.info.crv == "P-256") {
      kind = crypto::KeyKind::ec_p256;
    } else if (k.info.crv == "P-384") {
      kind = crypto::KeyKind::ec_p384;
    } else if (k.info.crv == "P-521") {
      kind = crypto::KeyKind::ec_p521;
    } else {
      return refuse(k, "the EC curve (crv) is not P-256, P-384 or P-521");
    }
    const auto x = b64_member(jwk, "x");
    const auto y = b64_member(jwk, "y");
    if (!x || !y) return refuse(k, "an EC key needs x and y as base64url strings");
    if (!crypto::PublicKey::from_ec(kind, *x, *y, k.key, error)) return refuse(k, error);
    k.info.bits = k.key.bits();
  } else if (*kty == "OKP") {
    // RFC 8037 §2: OKP keys; of the signature curves only Ed25519 is implemented (not Ed448).
    if (k.info.crv != "Ed25519") return refuse(k, "the OKP curve (crv) is not Ed25519");
    const auto x = b64_member(jwk, "x");
    if (!x) return refuse(k, "an Ed25519 key needs x as a base64url string");
    if (!crypto::PublicKey::from_ed25519(*x, k.key, error)) return refuse(k, error);
    k.info.bits = k.key.bits();
  } else if (*kty == "oct") {
    return refuse(k, "symmetric (oct) keys are not taken from a key set: pass the secret to verify_jwt_hmac");
  } else {
    return refuse(k, "kty is not RSA, EC or OKP");
  }
  if (k.alg && !curve_fits(k.key.kind(), *k.alg)) {
    k.key = {};
    return refuse(k, "the key's alg does not match its key type or curve");
  }
  k.info.usable = true;
  return true;
}

Status invalid(std::string message) { return {ErrorCode::jwks_invalid, std::move(message)}; }

Status parse_document(std::string_view json, std::optional<Json>& doc) {
  if (json.size() > jwks_max_bytes) {
    return invalid("the key set document is larger than 64 KiB; check that the JWKS URL points at a key set");
  }
  doc = detail::parse_json(json);
  if (!doc) {
    return invalid("the key set is not valid JSON (or nests too deeply or repeats a member name); check the JWKS URL");
  }
  return {};
}

}  // namespace

bool key_fits_alg(const crypto::PublicKey& key, const std::optional<JwsAlg>& key_alg, JwsAlg alg) noexcept {
  if (!key.valid()) return false;
  if (key_alg && *key_alg != alg) return false;  // RFC 7517 §4.4: a key with alg is used for that alg only
  return curve_fits(key.kind(), alg);
}

JwkSet::JwkSet() : impl_(std::shared_ptr<const Impl>(&empty_impl(), [](const Impl*) {})) {}

const std::vector<JwkInfo>& JwkSet::keys() const noexcept { return impl_->info; }
std::size_t JwkSet::usable_count() const noexcept { return impl_->usable; }

Status parse_jwks(std::string_view json, JwkSet& out) {
  try {
    std::optional<Json> doc;
    if (auto s = parse_document(json, doc); !s) return s;
    const Json* keys = member(*doc, "keys");
    if (keys == nullptr || !keys->is_array()) {
      return invalid("the key set is not a JSON object with a \"keys\" array (RFC 7517 §5)");
    }
    if (keys->size() > jwks_max_keys) {
      return invalid("the key set holds more than " + std::to_string(jwks_max_keys) + " keys");
    }
    auto impl = std::make_shared<JwkSet::Impl>();
    for (const Json& jwk : *keys) {
      ParsedKey k;
      if (parse_key(jwk, k)) ++impl->usable;
      impl->info.push_back(std::move(k.info));
      impl->keys.push_back(std::move(k.key));
      impl->algs.push_back(k.alg);
    }
    if (impl->usable == 0) {
      if (impl->info.empty()) return invalid("the key set holds no keys; check the JWKS URL");
      return invalid("the key set holds no usable signature key; the first key: " + impl->info.front().unusable_reason);
    }
    detail::JwkSetAccess::set(out, std::move(impl));
    return {};
  } catch (...) {
    return invalid("out of memory while reading the key set");
  }
}

Status parse_jwk(std::string_view json, JwkSet& out) {
  try {
    std::optional<Json> doc;
    if (auto s = parse_document(json, doc); !s) return s;
    ParsedKey k;
    if (!parse_key(*doc, k)) return invalid("the key cannot verify tokens: " + k.info.unusable_reason);
    auto impl = std::make_shared<JwkSet::Impl>();
    impl->usable = 1;
    impl->info.push_back(std::move(k.info));
    impl->keys.push_back(std::move(k.key));
    impl->algs.push_back(k.alg);
    detail::JwkSetAccess::set(out, std::move(impl));
    return {};
  } catch (...) {
    return invalid("out of memory while reading the key");
  }
}

}  // namespace edgepg::jwt
