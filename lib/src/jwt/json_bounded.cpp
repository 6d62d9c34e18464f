#include "json_bounded.hpp"

#include <set>
#include <vector>

namespace edgepg::jwt::detail {
namespace {

// Deepest nesting of arrays and objects, strings skipped. Run before the parser so a hostile document cannot make
// it build (or later destroy) a deep tree.
bool within_depth(std::string_view text, int max_depth) noexcept {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace

std::optional<Json> parse_json(std::string_view text, int max_depth) noexcept {
  if (!within_depth(text, max_depth)) return std::nullopt;
  try {
    std::vector<std::set<std::string>> seen;  // member names per open object
    bool duplicate = false;
    Json::parser_callback_t cb = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
      switch (event) {
        case Json::parse_event_t::object_start:
          seen.emplace_back();
          break;
        case Json::parse_event_t::object_end:
          if (!seen.empty()) seen.pop_back();
          break;
        case Json::parse_event_t::key:
          if (const auto* k = parsed.get_ptr<const std::string*>(); k != nullptr && !seen.empty()) {
            if (!seen.back().insert(*k).second) duplicate = true;
          }
          break;
        default:
          break;
      }
      return true;
    };
    Json j = Json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/false, /*ignore_comments=*/false);
    if (j.is_discarded() || duplicate) return std::nullopt;
    return j;
  } catch (...) {
    return std::nullopt;  // allocation failure
  }
}

const Json* member(const Json& obj, std::string_view key) noexcept {
  if (!obj.is_object()) return nullptr;
  try {
    const auto it = obj.find(std::string(key));
    return it == obj.end() ? nullptr : &*it;
  } catch (...) {
    return nullptr;
  }
}

const std::string* as_string(const Json* j) noexcept {
  return j == nullptr ? nullptr : j->get_ptr<const std::string*>();
}

std::optional<double> as_number(const Json* j) noexcept {
  if (j == nullptr) return std::nullopt;
  // Unsigned first: nlohmann's get_ptr<number_integer_t*> also answers for unsigned values (one union member).
  if (const auto* u = j->get_ptr<const Json::number_unsigned_t*>()) return static_cast<double>(*u);
  if (const auto* i = j->get_ptr<const Json::number_integer_t*>()) return static_cast<double>(*i);
  if (const auto* f = j->get_ptr<const Json::number_float_t*>()) return *f;
  return std::nullopt;
}

}  // namespace edgepg::jwt::detail
