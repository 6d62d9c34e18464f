// Array literals in text format (arrays.html#ARRAYS-IO): braces per dimension, elements separated by the type's
// delimiter, double quotes with backslash escapes, unquoted NULL for SQL NULL, optional "[lo:hi]=" bounds first.
#include <string>

#include "edgepg/pg/text_codec.hpp"

namespace edgepg::pg {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

bool parse_array(std::string_view text, char delimiter, ArrayVisitor& v) {
  std::size_t i = 0;
  if (!text.empty() && text[0] == '[') {  // dimension decoration: skip to '='
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) return false;
    i = eq + 1;
  }
  if (i >= text.size() || text[i] != '{') return false;
  int depth = 0;
  std::string unescaped;
  // After '{' or a delimiter an element (or '{') is expected; after an element, a delimiter or '}'.
  bool expect_element = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '{') {
      if (depth > 0 && !expect_element) return false;
      if (++depth > 64) return false;
      v.begin();
      ++i;
      expect_element = true;
      // An empty array "{}".
      if (i < text.size() && text[i] == '}') {
        v.end();
        ++i;
        if (--depth == 0) return i == text.size();
        expect_element = false;
      }
      continue;
    }
    if (c == '}') {
      if (depth == 0 || expect_element) return false;
      v.end();
      ++i;
      if (--depth == 0) return i == text.size();
      continue;
    }
    if (c == delimiter) {
      if (expect_element || depth == 0) return false;
      expect_element = true;
      ++i;
      continue;
    }
    if (!expect_element || depth == 0) return false;
    if (c == '"') {
      ++i;
      const std::size_t start = i;
      bool escaped = false;
      unescaped.clear();
      for (;;) {
        if (i >= text.size()) return false;
        if (text[i] == '\\') {
          if (i + 1 >= text.size()) return false;
          if (!escaped) unescaped.assign(text.substr(start, i - start));
          escaped = true;
          unescaped.push_back(text[i + 1]);
          i += 2;
        } else if (text[i] == '"') {
          break;
        } else {
          if (escaped) unescaped.push_back(text[i]);
          ++i;
        }
      }
      if (escaped) {
        v.element(unescaped, false);
      } else {
        v.element(text.substr(start, i - start), true);
      }
      ++i;  // closing quote
    } else {
      const std::size_t start = i;
      while (i < text.size() && text[i] != delimiter && text[i] != '}' && text[i] != '{' && text[i] != '"') ++i;
      auto token = text.substr(start, i - start);
      while (!token.empty() && is_space(token.back())) token.remove_suffix(1);
      while (!token.empty() && is_space(token.front())) token.remove_prefix(1);
      if (token.empty()) return false;
      if (token.size() == 4 && (token[0] | 0x20) == 'n' && (token[1] | 0x20) == 'u' && (token[2] | 0x20) == 'l' &&
          (token[3] | 0x20) == 'l') {
        v.null();
      } else {
        v.element(token, true);
      }
    }
    expect_element = false;
  }
  return false;  // unbalanced braces
}

}  // namespace edgepg::pg
