#include <utility>

#include "claims_impl.hpp"
#include "crypto/signature.hpp"
#include "edgepg/jwt/jwt.hpp"
#include "json_bounded.hpp"
#include "jwk_impl.hpp"
#include "util/base64url.hpp"

namespace edgepg::jwt {
namespace {

using detail::as_string;
using detail::Json;
using detail::member;

Status malformed(std::string message) { return {ErrorCode::jwt_malformed, std::move(message)}; }
Status alg_error(std::string message) { return {ErrorCode::jwt_alg, std::move(message)}; }

const char* const kSignatureMismatch =
    "the token's signature does not verify: it was altered or signed by another key; get a new token from the issuer";

// The three parts of a compact JWS (RFC 7515 §7.1), still encoded.
struct Parts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // header '.' payload, exactly as sent
};

// Steps 1-2 of jwt.hpp: size, structure and alphabet, without decoding.
Status split(std::string_view token, std::size_t max_bytes, Parts& parts) {
  if (token.size() > max_bytes) {
    return malformed("the token is larger than the " + std::to_string(max_bytes) +
                     "-byte limit; raise max_token_bytes only if the issuer really sends such tokens");
  }
  if (token.empty()) return malformed("the token is empty");
  const std::size_t d1 = token.find('.');
  const std::size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos) {
    return malformed("the token is not a JWS compact serialisation (three base64url parts separated by '.')");
  }
  if (token.find('.', d2 + 1) != std::string_view::npos) {
    std::size_t dots = 0;
    for (const char c : token) dots += c == '.' ? 1 : 0;
    if (dots == 4) return malformed("the token is encrypted (JWE); only signed tokens (JWS) are supported");
    return malformed("the token has more than three parts; a JWS compact serialisation has exactly three");
  }
  parts.header = token.substr(0, d1);
  parts.payload = token.substr(d1 + 1, d2 - d1 - 1);
  parts.signature = token.substr(d2 + 1);
  parts.signing_input = token.substr(0, d2);
  if (parts.header.empty() || parts.payload.empty() || parts.signature.empty()) {
    return malformed("the token has an empty header, payload or signature part");
  }
  if (!util::is_base64url(parts.header) || !util::is_base64url(parts.payload) || !util::is_base64url(parts.signature)) {
    return malformed(
        "the token holds characters outside base64url (A-Z a-z 0-9 - _); "
        "check that it was not padded, URL-encoded or cut when it was copied");
  }
  return {};
}

Status decode_part(std::string_view text, const char* what, std::string& out) {
  auto bytes = util::base64url_decode(text);
  if (!bytes) return malformed(std::string("the token's ") + what + " is not valid base64url");
  out.assign(bytes->begin(), bytes->end());
  return {};
}

// Steps 3-4: the protected header, its alg, and the allowlist.
Status read_header(const Parts& parts, const std::vector<JwsAlg>& allowed, JwsHeader& header) {
  std::string text;
  if (auto s = decode_part(parts.header, "header", text); !s) return s;
  const auto doc = detail::parse_json(text);
  if (!doc || !doc->is_object()) {
    return malformed("the token's header is not a JSON object (or nests too deeply or repeats a member name)");
  }
  const Json* alg = member(*doc, "alg");
  const std::string* alg_name = as_string(alg);
  if (alg_name == nullptr) return malformed("the token's header has no \"alg\" string (RFC 7515 §4.1.1)");
  // RFC 7515 §4.1.11: every extension listed in crit must be understood; this verifier implements none.
  if (member(*doc, "crit") != nullptr) {
    return malformed("the token's header lists critical extensions (crit), which this verifier does not implement");
  }
  if (const Json* kid = member(*doc, "kid")) {
    const std::string* s = as_string(kid);
    if (s == nullptr) return malformed("the token's header has a \"kid\" that is not a string");
    header.kid = *s;
    header.has_kid = true;
  }
  if (*alg_name == "none") {
    return alg_error("the token is unsigned (alg \"none\"); unsigned tokens are always refused");
  }
  const auto parsed = parse_jws_alg(*alg_name);
  if (!parsed) {
    return alg_error(
        "the token's alg is not a JWS algorithm this verifier implements "
        "(HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512, EdDSA)");
  }
  bool listed = false;
  for (const JwsAlg a : allowed) listed = listed || a == *parsed;
  if (!listed) {
    std::string list;
    for (const JwsAlg a : allowed) list += std::string(list.empty() ? "" : ", ") + jws_alg_name(a);
    return alg_error(std::string("the token is signed with ") + jws_alg_name(*parsed) +
                     ", which is not in the algorithms allowlist (" + list +
                     "); add it only if the issuer really signs with it");
  }
  header.alg = *parsed;
  return {};
}

Status parse_allowlist(const std::vector<std::string>& names, std::vector<JwsAlg>& out) {
  for (const auto& name : names) {
    const auto a = parse_jws_alg(name);
    if (!a) {
      return {ErrorCode::invalid_argument,
              "algorithms holds a name that is not a supported JWS algorithm (\"none\" is never allowed); use e.g. "
              "\"RS256\", \"ES256\" or \"EdDSA\""};
    }
    out.push_back(*a);
  }
  return {};
}

crypto::HashAlg hash_of(JwsAlg a) noexcept {
  switch (a) {
    case JwsAlg::HS384:
    case JwsAlg::RS384:
    case JwsAlg::PS384:
    case JwsAlg::ES384:
      return crypto::HashAlg::sha384;
    case JwsAlg::HS512:
    case JwsAlg::RS512:
    case JwsAlg::PS512:
    case JwsAlg::ES512:
      return crypto::HashAlg::sha512;
    default:
      return crypto::HashAlg::sha256;
  }
}

crypto::SigScheme scheme_of(JwsAlg a) noexcept {
  switch (a) {
    case JwsAlg::PS256:
    case JwsAlg::PS384:
    case JwsAlg::PS512:
      return crypto::SigScheme::rsa_pss;
    case JwsAlg::ES256:
    case JwsAlg::ES384:
    case JwsAlg::ES512:
      return crypto::SigScheme::ecdsa;
    case JwsAlg::EdDSA:
      return crypto::SigScheme::eddsa;
    default:
      return crypto::SigScheme::rsa_pkcs1;
  }
}

std::string describe(const JwkInfo& k) {
  if (k.kty == "RSA") return "an RSA key";
  return "an " + k.kty + " " + k.crv + " key";
}

// Step 5 with a key set: the index of the key to verify with.
Status select_key(const JwkSet::Impl& set, const JwsHeader& header, std::size_t& index) {
  const char* alg = jws_alg_name(header.alg);
  if (header.has_kid) {
    bool any = false;
    const JwkInfo* unusable = nullptr;
    const JwkInfo* mismatched = nullptr;
    for (std::size_t i = 0; i < set.info.size(); ++i) {
      const JwkInfo& k = set.info[i];
      if (!k.has_kid || k.kid != header.kid) continue;
      any = true;
      if (!k.usable) {
        unusable = &k;
      } else if (!key_fits_alg(set.keys[i], set.algs[i], header.alg)) {
        mismatched = &k;
      } else {
        index = i;
        return {};
      }
    }
    if (!any) {
      return {ErrorCode::jwks_no_key,
              "no key in the key set has the token's kid; the issuer may have rotated its keys: fetch the JWKS again"};
    }
    if (mismatched != nullptr) {
      if (jws_alg_family(header.alg) == AlgFamily::hmac) {
        return alg_error(std::string("the token claims ") + alg + " but its kid names " + describe(*mismatched) +
                         "; a public key is never used as an HMAC secret");
      }
      return alg_error(std::string("the token's kid names ") + describe(*mismatched) +
                       (mismatched->alg.empty() ? "" : " for " + mismatched->alg) + ", which cannot verify " + alg +
                       " tokens");
    }
    return {ErrorCode::jwks_no_key, "the key with the token's kid is not usable: " + unusable->unusable_reason};
  }
  std::size_t found = 0;
  for (std::size_t i = 0; i < set.info.size(); ++i) {
    if (key_fits_alg(set.keys[i], set.algs[i], header.alg)) {
      if (found++ == 0) index = i;
    }
  }
  if (found == 1) return {};
  if (found == 0) {
    if (jws_alg_family(header.alg) == AlgFamily::hmac) {
      return alg_error(std::string("the token claims ") + alg +
                       " but the key set holds only public keys; a public key is never used as an HMAC secret");
    }
    return {ErrorCode::jwks_no_key, std::string("no usable key in the key set can verify ") + alg +
                                        " tokens; check the JWKS URL and the algorithms allowlist"};
  }
  return {ErrorCode::jwks_no_key, std::string("the token has no kid and ") + std::to_string(found) +
                                      " keys in the key set could verify it; the issuer must set kid"};
}

template <class VerifyFn>
Status verify_common(std::string_view token, const VerifyOptions& options, const std::vector<JwsAlg>& allowed,
                     std::string& payload, JwsHeader* header_out, VerifyFn&& verify) {
  Parts parts;
  if (auto s = split(token, options.max_token_bytes, parts); !s) return s;
  JwsHeader header;
  if (auto s = read_header(parts, allowed, header); !s) return s;
  std::string signature;
  if (auto s = decode_part(parts.signature, "signature", signature); !s) return s;
  const crypto::ByteView sig{reinterpret_cast<const std::uint8_t*>(signature.data()), signature.size()};
  if (auto s = verify(header, crypto::bytes_of(parts.signing_input), sig); !s) return s;
  std::string decoded;
  if (auto s = decode_part(parts.payload, "payload", decoded); !s) return s;
  payload = std::move(decoded);
  if (header_out != nullptr) *header_out = std::move(header);
  return {};
}

Status verify_with_set(std::string_view token, const JwkSet& keys, const VerifyOptions& options, std::string& payload,
                       JwsHeader* header) {
  if (options.algorithms.empty()) {
    return {
        ErrorCode::invalid_argument,
        "an algorithms allowlist is required with a key set; set it to what the issuer signs with, e.g. [\"RS256\"]"};
  }
  std::vector<JwsAlg> allowed;
  if (auto s = parse_allowlist(options.algorithms, allowed); !s) return s;
  const JwkSet::Impl& set = *detail::JwkSetAccess::impl(keys);
  return verify_common(token, options, allowed, payload, header,
                       [&](const JwsHeader& h, crypto::ByteView input, crypto::ByteView sig) -> Status {
                         std::size_t index = 0;
                         if (auto s = select_key(set, h, index); !s) return s;
                         if (!crypto::verify_signature(set.keys[index], scheme_of(h.alg), hash_of(h.alg), input, sig)) {
                           return {ErrorCode::jwt_signature, kSignatureMismatch};
                         }
                         return {};
                       });
}

Status verify_with_secret(std::string_view token, std::span<const std::uint8_t> secret, const VerifyOptions& options,
                          std::string& payload, JwsHeader* header) {
  if (secret.empty()) {
    return {ErrorCode::invalid_argument, "the HMAC secret is empty; pass the issuer's signing secret"};
  }
  std::vector<JwsAlg> allowed;
  if (options.algorithms.empty()) {
    allowed = {JwsAlg::HS256, JwsAlg::HS384, JwsAlg::HS512};
  } else if (auto s = parse_allowlist(options.algorithms, allowed); !s) {
    return s;
  }
  return verify_common(token, options, allowed, payload, header,
                       [&](const JwsHeader& h, crypto::ByteView input, crypto::ByteView sig) -> Status {
                         if (jws_alg_family(h.alg) != AlgFamily::hmac) {
                           return alg_error(std::string("the token is signed with ") + jws_alg_name(h.alg) +
                                            ", but an HMAC secret verifies only HS256, HS384 and HS512 tokens; "
                                            "use the issuer's JWKS for it");
                         }
                         const crypto::HashAlg hash = hash_of(h.alg);
                         // RFC 7518 §3.2: the key must be at least as long as the hash output.
                         if (secret.size() < crypto::hash_size(hash)) {
                           return alg_error(std::string("the HMAC secret is shorter than ") +
                                            std::to_string(crypto::hash_size(hash)) + " bytes, the minimum for " +
                                            jws_alg_name(h.alg) + " (RFC 7518 §3.2); use a longer secret");
                         }
                         if (!crypto::verify_hmac(hash, secret, input, sig)) {
                           return {ErrorCode::jwt_signature, kSignatureMismatch};
                         }
                         return {};
                       });
}

Status finish_jwt(Status verified, std::string&& payload, const VerifyOptions& options, std::int64_t now,
                  Claims& claims) {
  if (!verified) return verified;
  Claims parsed;
  if (auto s = Claims::parse(payload, parsed, options.max_token_bytes); !s) return s;
  if (auto s = check_claims(parsed, options.claims, now); !s) return s;
  claims = std::move(parsed);
  return {};
}

}  // namespace

Status verify_jws(std::string_view token, const JwkSet& keys, const VerifyOptions& options, std::string& payload,
                  JwsHeader* header) {
  try {
    return verify_with_set(token, keys, options, payload, header);
  } catch (...) {
    return malformed("out of memory while verifying the token");
  }
}

Status verify_jws_hmac(std::string_view token, std::span<const std::uint8_t> secret, const VerifyOptions& options,
                       std::string& payload, JwsHeader* header) {
  try {
    return verify_with_secret(token, secret, options, payload, header);
  } catch (...) {
    return malformed("out of memory while verifying the token");
  }
}

Status verify_jwt(std::string_view token, const JwkSet& keys, const VerifyOptions& options, std::int64_t now,
                  Claims& claims, JwsHeader* header) {
  try {
    std::string payload;
    auto s = verify_with_set(token, keys, options, payload, header);
    return finish_jwt(std::move(s), std::move(payload), options, now, claims);
  } catch (...) {
    return malformed("out of memory while verifying the token");
  }
}

Status verify_jwt_hmac(std::string_view token, std::span<const std::uint8_t> secret, const VerifyOptions& options,
                       std::int64_t now, Claims& claims, JwsHeader* header) {
  try {
    std::string payload;
    auto s = verify_with_secret(token, secret, options, payload, header);
    return finish_jwt(std::move(s), std::move(payload), options, now, claims);
  } catch (...) {
    return malformed("out of memory while verifying the token");
  }
}

}  // namespace edgepg::jwt
