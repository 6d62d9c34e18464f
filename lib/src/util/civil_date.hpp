// Proleptic Gregorian dates <-> days since 1970-01-01 (Howard Hinnant's days_from_civil / civil_from_days), done by
// hand because the wasm toolchain's libc++ lacks C++20's <chrono> calendar. Used by the timestamp decoder (pg) and
// by SigV4's dates (sign).
#pragma once

#include <cstdint>

namespace edgepg::util {

struct CivilDate {
  std::int64_t year = 1970;  // astronomical: 1 BC is 0
  int month = 1;             // 1..12
  int day = 1;               // 1..31
};

// Days from 1970-01-01 to year-month-day (month 1..12, day 1..31); negative before 1970.
std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept;

// The date `days` after 1970-01-01 (floor division: negative days are before 1970).
CivilDate civil_from_days(std::int64_t days) noexcept;

}  // namespace edgepg::util
