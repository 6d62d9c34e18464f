// Text-format values: which JS/C++ shape a column's type takes, and parsers for the scalar ones. A parser returns
// false when the text does not have the shape the type promises; callers then keep the raw text.
#pragma once

#include <cstdint>
#include <string_view>

namespace edgepg::pg {

namespace oid {
inline constexpr std::uint32_t bool_ = 16;
inline constexpr std::uint32_t bytea = 17;
inline constexpr std::uint32_t char_ = 18;
inline constexpr std::uint32_t name = 19;
inline constexpr std::uint32_t int8 = 20;
inline constexpr std::uint32_t int2 = 21;
inline constexpr std::uint32_t int4 = 23;
inline constexpr std::uint32_t text = 25;
inline constexpr std::uint32_t oid = 26;
inline constexpr std::uint32_t json = 114;
inline constexpr std::uint32_t float4 = 700;
inline constexpr std::uint32_t float8 = 701;
inline constexpr std::uint32_t bpchar = 1042;
inline constexpr std::uint32_t varchar = 1043;
inline constexpr std::uint32_t numeric = 1700;
inline constexpr std::uint32_t jsonb = 3802;
}  // namespace oid

// The decoded shape of a column. Values are stable: the JS layer reads them.
enum class ValueKind : std::uint8_t {
  text = 0,     // the text as is (text, varchar, name, unknown types, ...)
  boolean = 1,  // true/false
  number = 2,   // a double (int2, int4, oid, float4, float8)
  json = 3,     // JSON text, parsed by the consumer
};

ValueKind kind_for_type(std::uint32_t type_oid) noexcept;

bool parse_bool(std::string_view text, bool& out) noexcept;
// int2/int4/oid: decimal integers that fit a double exactly.
bool parse_integer(std::string_view text, double& out) noexcept;
// float4/float8: decimal or exponent notation, NaN, Infinity, -Infinity.
bool parse_float(std::string_view text, double& out) noexcept;

}  // namespace edgepg::pg
