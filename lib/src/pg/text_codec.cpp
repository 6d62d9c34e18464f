#include "edgepg/pg/text_codec.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace edgepg::pg {

ValueKind kind_for_type(std::uint32_t type_oid) noexcept {
  switch (type_oid) {
    case oid::bool_: return ValueKind::boolean;
    case oid::int2:
    case oid::int4:
    case oid::oid:
    case oid::float4:
    case oid::float8: return ValueKind::number;
    case oid::json:
    case oid::jsonb: return ValueKind::json;
    default: return ValueKind::text;
  }
}

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
  // strtod needs a terminated string; float text from the server is short.
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) return false;
  }
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = 0;
  char* end = nullptr;
  out = std::strtod(buf, &end);
  return end == buf + text.size();
}

}  // namespace edgepg::pg
