// Hexadecimal both ways: lowercase out (as SigV4 and digests print bytes), either case in (bytea's \x format,
// percent-encoding). The one copy of these loops in the library.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace edgepg::util {

std::string hex_lower(std::span<const std::uint8_t> data);

// The value of one hexadecimal digit, upper or lower case; -1 for any other character.
constexpr int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the bytes an even number of hex digits spell. false for an odd length (nothing appended) or at the first
// pair that is not two hex digits (the bytes before it stay appended: callers discard `out` on failure).
bool hex_decode_append(std::string_view hex, std::string& out);

// Exactly out.size() bytes from 2 * out.size() hex digits, written in place (no copy of possibly secret bytes is
// left anywhere else). false for another length or a non-hex pair (out then holds the bytes before it).
bool hex_decode(std::string_view hex, std::span<std::uint8_t> out) noexcept;

}  // namespace edgepg::util
