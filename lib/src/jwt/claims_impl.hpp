// Claims' internals, shared by claims.cpp and jws.cpp.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "edgepg/jwt/claims.hpp"
#include "json_bounded.hpp"

namespace edgepg::jwt {

struct Claims::Impl {
  std::string json;
  detail::Json value;  // an object
};

namespace detail {
struct ClaimsAccess {
  static const Claims::Impl& impl(const Claims& c) noexcept { return *c.impl_; }
  static void set(Claims& c, std::shared_ptr<const Claims::Impl> impl) noexcept { c.impl_ = std::move(impl); }
};
}  // namespace detail

}  // namespace edgepg::jwt
