// SASLprep's mapping step (RFC 4013 §2.1) and its prohibited-output check (§2.3) for a password, with libpq's
// fallback to the raw password. Code points are decoded from UTF-8; invalid UTF-8 keeps the raw password.
#include <cstdint>
#include <string>
#include <string_view>

#include "edgepg/auth/scram_client.hpp"

namespace edgepg::auth {
namespace {

bool decode_utf8(std::string_view s, std::size_t& i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return false;
  cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b >> 6) != 2) return false;
    cp = (cp << 6) | (b & 0x3f);
  }
  i += len;
  return true;
}

// RFC 3454 C.1.2: non-ASCII space characters.
bool non_ascii_space(char32_t c) {
  return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x3000;
}
// RFC 3454 B.1: commonly mapped to nothing.
bool mapped_to_nothing(char32_t c) {
  return c == 0xAD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D) || (c >= 0x200B && c <= 0x200D) ||
         c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
}
// RFC 4013 §2.3 prohibited output (C.2.1, C.2.2, C.3-C.9), enough to decide libpq's raw-password fallback.
bool prohibited(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0xE000 && c <= 0xF8FF) ||
         (c >= 0xFFF9 && c <= 0xFFFD) || (c >= 0xD800 && c <= 0xDFFF) || (c >= 0xFDD0 && c <= 0xFDEF) ||
         (c & 0xFFFE) == 0xFFFE || c >= 0xF0000 || (c >= 0x2FF0 && c <= 0x2FFB) || (c >= 0x200E && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x206A && c <= 0x206F) || c == 0xE0001 || c == 0x1D73;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

std::string saslprep_password(std::string_view password) {
  std::string out;
  out.reserve(password.size());
  for (std::size_t i = 0; i < password.size();) {
    char32_t c;
    if (!decode_utf8(password, i, c)) return std::string(password);
    if (mapped_to_nothing(c)) continue;
    if (non_ascii_space(c)) c = U' ';
    if (prohibited(c)) return std::string(password);
    append_utf8(out, c);
  }
  if (out.empty()) return std::string(password);  // libpq: an empty result keeps the original
  return out;
}

}  // namespace edgepg::auth
