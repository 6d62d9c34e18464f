#include <doctest/doctest.h>

#include "edgepg/pg/text_codec.hpp"

using namespace edgepg::pg;

TEST_CASE("civil days") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) == 11017);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  CHECK(days_from_civil(0, 1, 1) == -719528);
}

TEST_CASE("timestamptz: UTC instants, fractions truncated to ms, offsets applied") {
  DateTime t;
  REQUIRE(parse_datetime("2024-01-02 03:04:05.123456+00", t));
  CHECK(t.kind == DateTime::Kind::utc);
  CHECK(t.utc_ms == 1704164645123.0);  // Date.UTC(2024, 0, 2, 3, 4, 5, 123)
  REQUIRE(parse_datetime("2024-01-02 03:04:05+05:30", t));
  CHECK(t.utc_ms == 1704164645000.0 - 5.5 * 3600000);
  REQUIRE(parse_datetime("1900-01-01 00:00:00-00:17:30", t));  // LMT-style offset with seconds
  CHECK(t.utc_ms == -2208988800000.0 + (17 * 60 + 30) * 1000.0);
  REQUIRE(parse_datetime("0044-03-15 12:00:00+00 BC", t));
  CHECK(t.kind == DateTime::Kind::utc);
  CHECK(t.utc_ms == (static_cast<double>(days_from_civil(-43, 3, 15)) * 86400.0 + 12 * 3600) * 1000.0);
}

TEST_CASE("timestamp and date without an offset are local wall times") {
  DateTime t;
  REQUIRE(parse_datetime("2024-02-29 23:59:59.5", t));
  CHECK(t.kind == DateTime::Kind::local);
  CHECK(t.year == 2024);
  CHECK(t.month == 2);
  CHECK(t.day == 29);
  CHECK(t.hour == 23);
  CHECK(t.second == 59);
  CHECK(t.millisecond == 500);
  REQUIRE(parse_datetime("2024-02-29", t));
  CHECK(t.kind == DateTime::Kind::local);
  CHECK(t.hour == 0);
  REQUIRE(parse_datetime("0001-01-01 BC", t));
  CHECK(t.year == 0);
  REQUIRE(parse_datetime("12345-06-07", t));
  CHECK(t.year == 12345);
}

TEST_CASE("infinities and malformed text") {
  DateTime t;
  REQUIRE(parse_datetime("infinity", t));
  CHECK(t.kind == DateTime::Kind::pos_infinity);
  REQUIRE(parse_datetime("-infinity", t));
  CHECK(t.kind == DateTime::Kind::neg_infinity);
  CHECK_FALSE(parse_datetime("", t));
  CHECK_FALSE(parse_datetime("2024-1-02", t));
  CHECK_FALSE(parse_datetime("2024-13-02", t));
  CHECK_FALSE(parse_datetime("2024-01-02T03:04:05", t));
  CHECK_FALSE(parse_datetime("yesterday", t));
}

TEST_CASE("intervals in PostgreSQL's default style, as postgres-interval reads them") {
  Interval v;
  REQUIRE(parse_interval("1 year 2 mons 3 days 04:05:06.789", v));
  CHECK(v.years == 1);
  CHECK(v.months == 2);
  CHECK(v.days == 3);
  CHECK(v.hours == 4);
  CHECK(v.minutes == 5);
  CHECK(v.seconds == 6);
  CHECK(v.milliseconds == 789);
  REQUIRE(parse_interval("-1 days -02:03:04.000001", v));
  CHECK(v.days == -1);
  CHECK(v.hours == -2);
  CHECK(v.minutes == -3);
  CHECK(v.seconds == -4);
  CHECK(v.milliseconds == -0.001);
  REQUIRE(parse_interval("00:00:00", v));
  CHECK(v.hours == 0);
  REQUIRE(parse_interval("10 years", v));
  CHECK(v.years == 10);
  REQUIRE(parse_interval("1 mon 100:00:00", v));
  CHECK(v.months == 1);
  CHECK(v.hours == 100);
  CHECK_FALSE(parse_interval("1 fortnight", v));
  CHECK_FALSE(parse_interval("12:3", v));
}
