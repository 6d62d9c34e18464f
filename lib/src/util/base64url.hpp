// base64url without padding (RFC 4648 §5, as JOSE uses it: RFC 7515 §2 "Base64url Encoding").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace edgepg::util {

std::string base64url_encode(std::span<const std::uint8_t> data);
// Strict decoding: nullopt for any character outside [A-Za-z0-9_-] (padding '=' included), a length of 4k+1, or
// unused trailing bits that are not zero (so each byte string has exactly one accepted encoding).
std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text);
// True when every character is in the base64url alphabet (no decoding, no allocation).
bool is_base64url(std::string_view text) noexcept;

}  // namespace edgepg::util
