// Lists cross the boundary as newline-separated strings (no embind vector registrations needed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "edgepg/error_code.hpp"

namespace edgepg::bindings {

inline std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    const auto end = nl == std::string_view::npos ? text.size() : nl;
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The registry's names by code, one per line: line i is error_name(ErrorCode(i)), "OK" first. JS reads it once when
// the module loads (wasm/src/errors.js), so codes cross the boundary as numbers and never by position in a JS table.
inline std::string error_names() {
  std::string out;
  for (std::size_t i = 0; i < error_code_count; ++i) {
    if (i > 0) out += '\n';
    out += error_name(static_cast<ErrorCode>(i));
  }
  return out;
}

// What a one-shot call returns to JS: a status code (0 = ok), the error's stable name and message, and a value.
struct CallResult {
  int code = 0;
  std::string name;
  std::string message;
  std::string value;
};

}  // namespace edgepg::bindings
