// JwkSet's internals, shared by jwk.cpp (which builds them) and jws.cpp (which selects keys).
#pragma once

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "crypto/signature.hpp"
#include "edgepg/jwt/jwk.hpp"

namespace edgepg::jwt {

struct JwkSet::Impl {
  std::vector<JwkInfo> info;                // one per key of the document
  std::vector<crypto::PublicKey> keys;      // parallel to info; valid() only for usable keys
  std::vector<std::optional<JwsAlg>> algs;  // parallel: the key's own alg when it set one
  std::size_t usable = 0;
};

namespace detail {
struct JwkSetAccess {
  static const JwkSet::Impl* impl(const JwkSet& s) noexcept { return s.impl_.get(); }
  static void set(JwkSet& s, std::shared_ptr<const JwkSet::Impl> impl) noexcept { s.impl_ = std::move(impl); }
};
}  // namespace detail

// Whether a usable key of this kind (and own alg, when set) may verify `alg`: the family rule of jwk.hpp.
bool key_fits_alg(const crypto::PublicKey& key, const std::optional<JwsAlg>& key_alg, JwsAlg alg) noexcept;

}  // namespace edgepg::jwt
