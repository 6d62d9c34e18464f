// Lowercase hexadecimal, as SigV4 and digests print bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace edgepg::util {

std::string hex_lower(std::span<const std::uint8_t> data);

}  // namespace edgepg::util
