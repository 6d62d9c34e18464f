// HTTP/1.1 syntax rules (RFC 7230, RFC 3986) shared by both sides of the WebSocket handshake (internal).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace edgepg::ws::http {

constexpr char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The end of a header section ("\r\n\r\n", RFC 7230 §3) across chunk boundaries: `state` (0 at first) is how much of
// it the bytes so far end with, 4 once found. Returns how many bytes of `chunk` belong to the header section: all of
// them until its end, then up to and including its last LF.
constexpr std::size_t scan_head_end(std::span<const std::uint8_t> chunk, int& state) noexcept {
  std::size_t i = 0;
  while (i < chunk.size() && state != 4) {
    const auto c = chunk[i++];
    if (c == '\r') {
      state = state == 2 ? 3 : 1;
    } else if (c == '\n') {
      state = state == 1 ? 2 : state == 3 ? 4 : 0;
    } else {
      state = 0;
    }
  }
  return i;
}

constexpr bool is_alnum(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

constexpr int hex_value(char c) noexcept { return c <= '9' ? c - '0' : (c >= 'a' ? c - 'a' + 10 : c - 'A' + 10); }

// RFC 7230 §3.2.6 tchar.
constexpr bool is_tchar(char c) noexcept {
  return is_alnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

constexpr bool is_token(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_tchar(c); });
}

// RFC 7230 §3.2: field-value characters are VCHAR, obs-text, SP and HTAB (no CR, LF, NUL or other controls).
constexpr bool is_field_value(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7F);
  });
}

constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(element) for each non-empty element of an RFC 7230 §7 comma-separated list, trimmed; empty elements are
// skipped as §7 requires. Stops early, returning false, when f does.
template <typename F>
bool for_each_element(std::string_view list, F&& f) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty() && !f(element)) return false;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return true;
}

}  // namespace edgepg::ws::http
