#include "edgepg/pg/text_codec.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "util/hex.hpp"

namespace edgepg::pg {

bool parse_bool(std::string_view text, bool& out) noexcept {
  if (text == "t") {
    out = true;
    return true;
  }
  if (text == "f") {
    out = false;
    return true;
  }
  return false;
}

bool parse_integer(std::string_view text, double& out) noexcept {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return false;
  if (v > (std::int64_t{1} << 53) || v < -(std::int64_t{1} << 53)) return false;
  out = static_cast<double>(v);
  return true;
}

bool parse_float(std::string_view text, double& out) noexcept {
  if (text == "NaN") {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (text == "Infinity") {
    out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Infinity") {
    out = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (text.empty()) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) return false;
  }
  // strtod needs a terminated string: a stack buffer for the usual short text, a heap one for long numerics.
  char small[64];
  std::string large;
  char* buf = small;
  if (text.size() >= sizeof small) {
    large.assign(text);
    buf = large.data();
  } else {
    std::memcpy(small, text.data(), text.size());
    small[text.size()] = 0;
  }
  char* end = nullptr;
  out = std::strtod(buf, &end);
  return end == buf + text.size();
}

bool is_int8_text(std::string_view text) noexcept {
  std::size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

bool parse_bytea(std::string_view text, std::string& out) {
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') return util::hex_decode_append(text.substr(2), out);
  // Escape format: \\ is a backslash, \ooo an octal byte, everything else itself.
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '\\') {
      out.push_back(text[i++]);
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      i += 2;
    } else if (text.size() - i >= 4 && text[i + 1] >= '0' && text[i + 1] <= '3' && text[i + 2] >= '0' &&
               text[i + 2] <= '7' && text[i + 3] >= '0' && text[i + 3] <= '7') {
      out.push_back(static_cast<char>(((text[i + 1] - '0') << 6) | ((text[i + 2] - '0') << 3) | (text[i + 3] - '0')));
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

namespace {
// "(x,y)" -> x, y
bool parse_pair(std::string_view text, double& x, double& y) noexcept {
  if (text.size() < 5 || text.front() != '(' || text.back() != ')') return false;
  const auto inner = text.substr(1, text.size() - 2);
  const auto comma = inner.find(',');
  if (comma == std::string_view::npos) return false;
  return parse_float(inner.substr(0, comma), x) && parse_float(inner.substr(comma + 1), y);
}
}  // namespace

bool parse_point(std::string_view text, double& x, double& y) noexcept { return parse_pair(text, x, y); }

bool parse_circle(std::string_view text, double& x, double& y, double& r) noexcept {
  if (text.size() < 9 || text.front() != '<' || text.back() != '>') return false;
  const auto inner = text.substr(1, text.size() - 2);
  const auto close = inner.rfind(')');
  if (close == std::string_view::npos || close + 1 >= inner.size() || inner[close + 1] != ',') return false;
  return parse_pair(inner.substr(0, close + 1), x, y) && parse_float(inner.substr(close + 2), r);
}

}  // namespace edgepg::pg
