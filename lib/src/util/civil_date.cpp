#include "civil_date.hpp"

namespace edgepg::util {

// Both in eras of 400 years (146097 days), counted from 0000-03-01 so that the leap day ends a year.
std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept {
  const std::int64_t y = year - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                          // [0, 399]
  const std::int64_t mp = month > 2 ? month - 3 : month + 9;       // March is 0
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;           // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + doe - 719468;                              // 719468: 0000-03-01 to 1970-01-01
}

CivilDate civil_from_days(std::int64_t days) noexcept {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  CivilDate out;
  out.year = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out.month = static_cast<int>(m);
  out.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  return out;
}

}  // namespace edgepg::util
