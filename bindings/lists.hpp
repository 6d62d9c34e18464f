// Lists cross the boundary as newline-separated strings (no embind vector registrations needed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

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

// What a one-shot call returns to JS: a status code (0 = ok), the error's stable name and message, and a value.
struct CallResult {
  int code = 0;
  std::string name;
  std::string message;
  std::string value;
};

}  // namespace edgepg::bindings
