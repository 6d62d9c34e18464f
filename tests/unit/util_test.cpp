// The shared helpers of util/ (civil dates, hex) and the one list of ErrorResponse fields.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>

#include "edgepg/pg/messages.hpp"
#include "util/civil_date.hpp"
#include "util/hex.hpp"

using namespace edgepg;

TEST_CASE("util: days_from_civil and civil_from_days are inverse over 800 years, leap days included") {
  CHECK(util::days_from_civil(1970, 1, 1) == 0);
  CHECK(util::days_from_civil(2000, 2, 29) == 11016);
  CHECK(util::days_from_civil(1600, 3, 1) == -135080);
  int mismatches = 0;  // counted, not asserted per day: 292,000 days
  for (std::int64_t day = util::days_from_civil(1600, 1, 1); day < util::days_from_civil(2400, 1, 1); ++day) {
    const util::CivilDate d = util::civil_from_days(day);
    if (util::days_from_civil(d.year, d.month, d.day) != day || d.month < 1 || d.month > 12 || d.day < 1 ||
        d.day > 31) {
      ++mismatches;
    }
  }
  CHECK(mismatches == 0);
  const util::CivilDate bc = util::civil_from_days(util::days_from_civil(-43, 3, 15));
  CHECK(bc.year == -43);
  CHECK(bc.month == 3);
  CHECK(bc.day == 15);
}

TEST_CASE("util: hex digits and decoding (either case), appended or in place") {
  CHECK(util::hex_digit('0') == 0);
  CHECK(util::hex_digit('a') == 10);
  CHECK(util::hex_digit('F') == 15);
  CHECK(util::hex_digit('g') == -1);
  CHECK(util::hex_digit('/') == -1);
  std::string out = "x";
  CHECK(util::hex_decode_append("00fFa5", out));
  CHECK(out == std::string("x\x00\xff\xa5", 4));
  std::string odd;
  CHECK_FALSE(util::hex_decode_append("abc", odd));
  CHECK(odd.empty());
  std::string bad;
  CHECK_FALSE(util::hex_decode_append("ab0g", bad));
  std::array<std::uint8_t, 2> two{};
  CHECK(util::hex_decode("aBcd", two));
  CHECK(two[0] == 0xab);
  CHECK(two[1] == 0xcd);
  CHECK_FALSE(util::hex_decode("abc", two));
  CHECK_FALSE(util::hex_decode("abcdef", two));
  CHECK_FALSE(util::hex_decode("zz00", two));
  const std::uint8_t bytes[] = {0x00, 0x7f, 0xab};
  CHECK(util::hex_lower(bytes) == "007fab");
}

TEST_CASE("pg: the ErrorResponse field list has the 18 documented codes once each, in the event tape's order") {
  std::set<char> codes;
  for (const auto& f : pg::error_field_codes) codes.insert(f.code);
  CHECK(codes.size() == 18);
  CHECK(pg::error_field_codes.front().code == 'S');
  CHECK(pg::error_field_codes[2].member == &pg::ErrorFields::code);
  CHECK(pg::error_field_codes.back().code == 'R');
  pg::ErrorFields e;
  for (const auto& f : pg::error_field_codes) e.*f.member = std::string(1, f.code);
  CHECK(e.severity_nonlocal == "V");
  CHECK(e.internal_query == "q");
  CHECK(e.routine == "R");
}
