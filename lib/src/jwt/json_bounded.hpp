// The JWT module's only use of nlohmann::json: parsing that never throws, with bounded nesting and refused
// duplicate member names (RFC 7515 §5.2 allows refusing them; two "alg" members must not mean two things), and
// accessors that check types instead of throwing.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace edgepg::jwt::detail {

using Json = nlohmann::json;

inline constexpr int json_max_depth = 32;

// nullopt for invalid JSON (including invalid UTF-8), nesting deeper than max_depth, or a repeated member name.
std::optional<Json> parse_json(std::string_view text, int max_depth = json_max_depth) noexcept;

// obj[key] when obj is an object holding key; nullptr otherwise.
const Json* member(const Json& obj, std::string_view key) noexcept;
// The string when j is a string; nullptr otherwise.
const std::string* as_string(const Json* j) noexcept;
// The value of a JSON number as a double (exact for integers up to 2^53); nullopt when j is not a number.
std::optional<double> as_number(const Json* j) noexcept;

}  // namespace edgepg::jwt::detail
