// SHA-1, for the one place the protocols we speak still require it: RFC 6455 §4.2.2's Sec-WebSocket-Accept.
// Not for anything that needs collision resistance. Like crypto.hpp, only crypto/*.cpp include OpenSSL.
#pragma once

#include <array>
#include <cstdint>

#include "crypto.hpp"

namespace edgepg::crypto {

using Digest160 = std::array<std::uint8_t, 20>;

Digest160 sha1(ByteView data) noexcept;

}  // namespace edgepg::crypto
