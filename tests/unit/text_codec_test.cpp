#include "edgepg/pg/text_codec.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace edgepg::pg;

TEST_CASE("bool") {
  bool b = false;
  CHECK(parse_bool("t", b));
  CHECK(b);
  CHECK(parse_bool("f", b));
  CHECK_FALSE(b);
  CHECK_FALSE(parse_bool("true", b));
  CHECK_FALSE(parse_bool("", b));
}

TEST_CASE("integers") {
  double d = 0;
  CHECK(parse_integer("-2147483648", d));
  CHECK(d == -2147483648.0);
  CHECK(parse_integer("4294967295", d));
  CHECK(d == 4294967295.0);
  CHECK_FALSE(parse_integer("", d));
  CHECK_FALSE(parse_integer("12a", d));
  CHECK_FALSE(parse_integer("1.5", d));
  CHECK_FALSE(parse_integer("9007199254740993", d));  // not exact in a double
}

TEST_CASE("floats") {
  double d = 0;
  CHECK(parse_float("1.5", d));
  CHECK(d == 1.5);
  CHECK(parse_float("-1e+308", d));
  CHECK(d == -1e308);
  CHECK(parse_float("NaN", d));
  CHECK(std::isnan(d));
  CHECK(parse_float("Infinity", d));
  CHECK(d == INFINITY);
  CHECK(parse_float("-Infinity", d));
  CHECK(d == -INFINITY);
  CHECK(parse_float("3.4028235e+38", d));
  CHECK_FALSE(parse_float("", d));
  CHECK_FALSE(parse_float("1.5x", d));
  CHECK_FALSE(parse_float("inf", d));
  CHECK_FALSE(parse_float(" 1", d));
}

TEST_CASE("bytea, both formats") {
  std::string out;
  CHECK(parse_bytea("\\x00ff10", out));
  CHECK(out == std::string("\x00\xff\x10", 3));
  out.clear();
  CHECK(parse_bytea("a\\\\b\\001", out));
  CHECK(out == std::string("a\\b\x01", 4));
  out.clear();
  CHECK_FALSE(parse_bytea("\\x0", out));
  out.clear();
  CHECK_FALSE(parse_bytea("\\xzz", out));
  out.clear();
  CHECK_FALSE(parse_bytea("bad\\9", out));
}

TEST_CASE("int8 text, points and circles") {
  CHECK(is_int8_text("-9223372036854775808"));
  CHECK(is_int8_text("0"));
  CHECK_FALSE(is_int8_text("-"));
  CHECK_FALSE(is_int8_text("1e3"));
  double x = 0, y = 0, r = 0;
  CHECK(parse_point("(1.5,-2)", x, y));
  CHECK(x == 1.5);
  CHECK(y == -2);
  CHECK(parse_circle("<(1,2),3>", x, y, r));
  CHECK(r == 3);
  CHECK_FALSE(parse_point("1,2", x, y));
  CHECK_FALSE(parse_circle("<(1,2)>", x, y, r));
}
