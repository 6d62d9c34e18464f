// Dates, timestamps and intervals read the way node-postgres reads them (postgres-date, postgres-interval), so the
// same row gives the same JS values through edgepg and through pg.
#include <cmath>
#include <string>

#include "edgepg/pg/text_codec.hpp"
#include "util/civil_date.hpp"

namespace edgepg::pg {
namespace {

// Reads exactly n digits at text[i].
bool digits(std::string_view text, std::size_t& i, std::size_t n, int& out) noexcept {
  if (text.size() - i < n) return false;
  int v = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const char c = text[i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  i += n;
  return true;
}

// Reads one or more digits (as int64, bounded) at text[i].
bool some_digits(std::string_view text, std::size_t& i, std::int64_t& out) noexcept {
  const std::size_t start = i;
  std::int64_t v = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (v > 100'000'000'000LL) return false;
    v = v * 10 + (text[i] - '0');
    ++i;
  }
  out = v;
  return i > start;
}

// postgres-date's timeZoneOffset(): the first Z/+/- in the time part, then up to three 2-digit groups.
bool zone_offset_ms(std::string_view time_part, double& offset_ms) noexcept {
  const auto at = time_part.find_first_of("Z+-");
  if (at == std::string_view::npos) return false;
  if (time_part[at] == 'Z') {
    offset_ms = 0;
    return true;
  }
  const int sign = time_part[at] == '-' ? -1 : 1;
  std::size_t i = at + 1;
  int parts[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (k > 0 && i < time_part.size() && time_part[i] == ':') ++i;
    int v;
    std::size_t j = i;
    if (!digits(time_part, j, 2, v)) {
      if (k == 0) return false;  // "+" with no hours: not an offset postgres-date can use (parseInt gives NaN)
      break;
    }
    parts[k] = v;
    i = j;
  }
  offset_ms = sign * (parts[0] * 3600.0 + parts[1] * 60.0 + parts[2]) * 1000.0;
  return true;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept {
  return util::days_from_civil(year, month, day);
}

bool parse_datetime(std::string_view text, DateTime& out) noexcept {
  out = DateTime{};
  if (text == "infinity") {
    out.kind = DateTime::Kind::pos_infinity;
    return true;
  }
  if (text == "-infinity") {
    out.kind = DateTime::Kind::neg_infinity;
    return true;
  }
  bool bc = false;
  if (text.size() > 3 && text.substr(text.size() - 3) == " BC") {
    bc = true;
    text.remove_suffix(3);
  }
  std::size_t i = 0;
  std::int64_t year;
  if (!some_digits(text, i, year)) return false;
  if (i >= text.size() || text[i++] != '-') return false;
  if (!digits(text, i, 2, out.month) || i >= text.size() || text[i++] != '-' || !digits(text, i, 2, out.day)) {
    return false;
  }
  if (bc) year = -(year - 1);  // 1 BC is year 0
  out.year = year;
  if (out.month < 1 || out.month > 12 || out.day < 1 || out.day > 31) return false;
  if (i == text.size()) {  // a date: local midnight
    out.kind = DateTime::Kind::local;
    return true;
  }
  if (text[i++] != ' ') return false;
  const auto time_part = text.substr(i);
  if (!digits(text, i, 2, out.hour) || i >= text.size() || text[i++] != ':' || !digits(text, i, 2, out.minute) ||
      i >= text.size() || text[i++] != ':' || !digits(text, i, 2, out.second)) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    // 1000 * parseFloat(".ffffff")
    double frac = 0, scale = 0.1;
    ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      frac += (text[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return false;
    out.millisecond = frac * 1000.0;
  }
  double offset_ms = 0;
  const bool has_offset = text.size() >= 3 && text.substr(text.size() - 3) == "+00"
                              ? (offset_ms = 0, true)
                              : zone_offset_ms(time_part, offset_ms);
  if (!has_offset) {
    out.kind = DateTime::Kind::local;
    return true;
  }
  // Date.UTC(...) truncates each field to an integer, then the offset is subtracted.
  const double days = static_cast<double>(days_from_civil(out.year, out.month, out.day));
  out.utc_ms = days * 86400000.0 + out.hour * 3600000.0 + out.minute * 60000.0 + out.second * 1000.0 +
               std::trunc(out.millisecond) - offset_ms;
  out.kind = DateTime::Kind::utc;
  return true;
}

bool parse_interval(std::string_view text, Interval& out) noexcept {
  out = Interval{};
  std::size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  // "[+-]N unit" parts in the order years, mons, days.
  struct Unit {
    const char* singular;
    double* field;
  } units[] = {{"year", &out.years}, {"mon", &out.months}, {"day", &out.days}};
  int next_unit = 0;
  for (;;) {
    skip_spaces();
    const std::size_t save = i;
    int sign = 1;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      sign = text[i] == '-' ? -1 : 1;
      ++i;
    }
    std::int64_t n;
    if (!some_digits(text, i, n) || i >= text.size() || text[i] != ' ') {
      i = save;
      break;
    }
    skip_spaces();
    bool matched = false;
    for (int u = next_unit; u < 3 && !matched; ++u) {
      const std::string_view name = units[u].singular;
      if (text.substr(i, name.size()) == name) {
        i += name.size();
        if (i < text.size() && text[i] == 's') ++i;
        *units[u].field = static_cast<double>(sign * n);
        next_unit = u + 1;
        matched = true;
      }
    }
    if (!matched) return false;
  }
  skip_spaces();
  if (i == text.size()) return true;
  // [+-]H+:MM:SS[.ffffff]
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') {
    negative = text[i] == '-';
    ++i;
  }
  std::int64_t hours = 0;
  some_digits(text, i, hours);  // may be empty in postgres-interval's pattern
  int minutes, seconds;
  if (i >= text.size() || text[i++] != ':' || !digits(text, i, 2, minutes) || i >= text.size() || text[i++] != ':' ||
      !digits(text, i, 2, seconds)) {
    return false;
  }
  double ms = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int micro = 0, count = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && count < 6) {
      micro = micro * 10 + (text[i] - '0');
      ++count;
      ++i;
    }
    for (int k = count; k < 6; ++k) micro *= 10;
    ms = micro / 1000.0;
  }
  if (i != text.size()) return false;
  const double s = negative ? -1 : 1;
  out.hours = s * static_cast<double>(hours);
  out.minutes = s * minutes;
  out.seconds = s * seconds;
  out.milliseconds = s * ms;
  return true;
}

}  // namespace edgepg::pg
