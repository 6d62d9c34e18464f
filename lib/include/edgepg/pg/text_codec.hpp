// Text-format values: parsers for PostgreSQL's text output of each common type (which type a consumer parses how
// is the consumer's choice: the JS face's node-postgres defaults are bindings/type_shapes.hpp). A parser returns
// false when the text does not have the shape the type promises; callers then keep the raw text rather than fail.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
inline constexpr std::uint32_t point = 600;
inline constexpr std::uint32_t float4 = 700;
inline constexpr std::uint32_t float8 = 701;
inline constexpr std::uint32_t circle = 718;
inline constexpr std::uint32_t bpchar = 1042;
inline constexpr std::uint32_t varchar = 1043;
inline constexpr std::uint32_t date = 1082;
inline constexpr std::uint32_t time = 1083;
inline constexpr std::uint32_t timestamp = 1114;
inline constexpr std::uint32_t timestamptz = 1184;
inline constexpr std::uint32_t interval = 1186;
inline constexpr std::uint32_t numeric = 1700;
inline constexpr std::uint32_t uuid = 2950;
inline constexpr std::uint32_t jsonb = 3802;
}  // namespace oid

bool parse_bool(std::string_view text, bool& out) noexcept;
// int2/int4/oid: decimal integers that fit a double exactly.
bool parse_integer(std::string_view text, double& out) noexcept;
// float4/float8: decimal or exponent notation, NaN, Infinity, -Infinity.
bool parse_float(std::string_view text, double& out) noexcept;
// int8: an optional '-' and digits.
bool is_int8_text(std::string_view text) noexcept;
// bytea: hex ("\x...") or escape format, appended to out.
bool parse_bytea(std::string_view text, std::string& out);
bool parse_point(std::string_view text, double& x, double& y) noexcept;
bool parse_circle(std::string_view text, double& x, double& y, double& r) noexcept;

// A date, timestamp or timestamptz as node-postgres reads it (postgres-date): infinity, a UTC instant (when the
// text carries an offset), or local wall-clock fields (when it does not).
struct DateTime {
  enum class Kind { pos_infinity, neg_infinity, utc, local } kind = Kind::local;
  double utc_ms = 0;  // kind utc: milliseconds since the epoch (what Date.UTC gives, offset applied)
  // kind local: the fields for new Date(year, month - 1, day, hour, minute, second, ms)
  std::int64_t year = 0;  // astronomical: 1 BC is 0
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  double millisecond = 0;
};
bool parse_datetime(std::string_view text, DateTime& out) noexcept;
// Days from 1970-01-01 to a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept;

// An interval in PostgreSQL's default output style, as postgres-interval reads it; absent parts are 0.
struct Interval {
  double years = 0, months = 0, days = 0, hours = 0, minutes = 0, seconds = 0, milliseconds = 0;
};
bool parse_interval(std::string_view text, Interval& out) noexcept;

// Visits an array literal ("{1,NULL,"a \"b\""}", nested for more dimensions, optional "[1:2]=" bounds).
class ArrayVisitor {
 public:
  virtual ~ArrayVisitor() = default;
  virtual void begin() = 0;
  virtual void end() = 0;
  virtual void null() = 0;
  // An element's text, unescaped. `stable` is true when it points into the input (no escapes were removed).
  virtual void element(std::string_view text, bool stable) = 0;
};
// False when the text is not a well-formed array literal (the visitor may have seen a prefix).
bool parse_array(std::string_view text, char delimiter, ArrayVisitor& visitor);

}  // namespace edgepg::pg
