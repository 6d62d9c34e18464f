#include "xml_text.hpp"

#include <charconv>
#include <cstdint>

namespace edgepg::cloud::detail {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

std::optional<std::string> decode_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '<') return std::nullopt;  // markup inside: not a leaf
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') return std::nullopt;
    if (c != '&') {
      out.push_back(c);
      ++i;
      continue;
    }
    const auto semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) return std::nullopt;
    const std::string_view ref = text.substr(i + 1, semi - i - 1);
    if (ref == "amp") {
      out.push_back('&');
    } else if (ref == "lt") {
      out.push_back('<');
    } else if (ref == "gt") {
      out.push_back('>');
    } else if (ref == "quot") {
      out.push_back('"');
    } else if (ref == "apos") {
      out.push_back('\'');
    } else if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string_view num = ref.substr(hex ? 2 : 1);
      std::uint32_t cp = 0;
      const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), cp, hex ? 16 : 10);
      if (num.empty() || ec != std::errc() || end != num.data() + num.size() || cp == 0 || cp > 0x10ffff ||
          (cp >= 0xd800 && cp <= 0xdfff) || (cp < 0x20 && cp != 9 && cp != 10 && cp != 13)) {
        return std::nullopt;
      }
      append_utf8(out, cp);
    } else {
      return std::nullopt;
    }
    i = semi + 1;
  }
  return out;
}

}  // namespace

bool xml_has_unsupported_markup(std::string_view doc) noexcept { return doc.find("<!") != std::string_view::npos; }

std::optional<std::string> xml_text(std::string_view doc, std::string_view name) {
  if (name.empty()) return std::nullopt;
  std::size_t at = 0;
  for (;;) {
    const auto open = doc.find('<', at);
    if (open == std::string_view::npos) return std::nullopt;
    at = open + 1;
    if (doc.substr(at, name.size()) != name) continue;
    const std::size_t after = at + name.size();
    if (after >= doc.size()) return std::nullopt;
    const char next = doc[after];
    if (next != '>' && next != ' ' && next != '\t' && next != '\r' && next != '\n' && next != '/') continue;
    const auto gt = doc.find('>', after);
    if (gt == std::string_view::npos) return std::nullopt;
    if (doc[gt - 1] == '/') return std::string();  // <Name/>: empty
    const std::string close = "</" + std::string(name) + ">";
    const auto end = doc.find(close, gt + 1);
    if (end == std::string_view::npos) return std::nullopt;
    return decode_text(doc.substr(gt + 1, end - gt - 1));
  }
}

}  // namespace edgepg::cloud::detail
