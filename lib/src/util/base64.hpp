// Standard base64 (RFC 4648 §4, with padding) as SCRAM uses it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace edgepg::util {

std::string base64_encode(std::span<const std::uint8_t> data);

namespace detail {
// The encoder both alphabets share: 64 characters, and whether to pad the last group with '='.
std::string encode_base64(std::span<const std::uint8_t> data, const char (&alphabet)[65], bool pad);
}  // namespace detail
// nullopt for characters outside the alphabet, bad padding or a length that is not a multiple of 4.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace edgepg::util
