#include "hex.hpp"

namespace edgepg::util {
namespace {

// The one decoding loop: put(byte) for each pair of digits; false at the first pair that is not two hex digits.
template <class Put>
bool decode_pairs(std::string_view hex, Put put) {
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    put(static_cast<std::uint8_t>((hi << 4) | lo));
  }
  return true;
}

}  // namespace

std::string hex_lower(std::span<const std::uint8_t> data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (const std::uint8_t b : data) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0f];
  }
  return out;
}

bool hex_decode_append(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.reserve(out.size() + hex.size() / 2);
  return decode_pairs(hex, [&](std::uint8_t b) { out.push_back(static_cast<char>(b)); });
}

bool hex_decode(std::string_view hex, std::span<std::uint8_t> out) noexcept {
  if (hex.size() != 2 * out.size()) return false;
  std::size_t i = 0;
  return decode_pairs(hex, [&](std::uint8_t b) noexcept { out[i++] = b; });
}

}  // namespace edgepg::util
