// Result of the native face: built from RowDescription / DataRow / CommandComplete, read by row and column.
#include <doctest/doctest.h>

#include <cmath>

#include "client/result_builder.hpp"
#include "edgepg/client/error.hpp"
#include "edgepg/client/param.hpp"
#include "edgepg/pg/text_codec.hpp"

using namespace edgepg;

namespace {

std::vector<std::uint8_t> row_body(std::initializer_list<std::optional<std::string>> cells) {
  std::vector<std::uint8_t> b;
  auto put32 = [&](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
  };
  b.push_back(static_cast<std::uint8_t>(cells.size() >> 8));
  b.push_back(static_cast<std::uint8_t>(cells.size()));
  for (const auto& c : cells) {
    if (!c) {
      put32(0xFFFFFFFFu);
      continue;
    }
    put32(static_cast<std::uint32_t>(c->size()));
    b.insert(b.end(), c->begin(), c->end());
  }
  return b;
}

std::vector<pg::FieldDescription> fields(std::initializer_list<std::pair<std::string, std::uint32_t>> cols) {
  std::vector<pg::FieldDescription> out;
  for (const auto& [name, oid] : cols) {
    pg::FieldDescription f;
    f.name = name;
    f.type_oid = oid;
    out.push_back(f);
  }
  return out;
}

pg::CommandComplete tag(const std::string& t, std::optional<std::int64_t> rows) {
  pg::CommandComplete c;
  c.tag = t;
  c.command = t.substr(0, t.find(' '));
  c.rows = rows;
  return c;
}

Result three_rows() {
  detail::ResultBuilder b;
  b.describe(fields({{"id", pg::oid::int8}, {"name", pg::oid::text}, {"ok", pg::oid::bool_}, {"x", pg::oid::float8}}));
  CHECK(b.add_row(row_body({"1", "one", "t", "1.5"})).ok());
  CHECK(b.add_row(row_body({"-9223372036854775808", std::nullopt, "f", "NaN"})).ok());
  CHECK(b.add_row(row_body({"3", "", std::nullopt, "-Infinity"})).ok());
  b.complete(tag("SELECT 3", 3));
  return b.take();
}

}  // namespace

TEST_CASE("result: columns, rows, NULLs and text") {
  const Result r = three_rows();
  CHECK(r.size() == 3);
  CHECK(r.columns() == 4);
  CHECK(r.fields()[0].name == "id");
  CHECK(r.fields()[0].type_oid == pg::oid::int8);
  CHECK(r.column_index("ok") == 2);
  CHECK_FALSE(r.column_index("nope").has_value());
  CHECK(r[0][1].text() == "one");
  CHECK(r[1][1].is_null());
  CHECK_FALSE(r[1][1].value().has_value());
  CHECK(r[2][1].text().empty());
  CHECK_FALSE(r[2][1].is_null());  // '' is not NULL
  CHECK(r[0]["name"].as_string() == "one");
  CHECK(r.at(0, 3).type_oid() == pg::oid::float8);
  CHECK(r.command_tag() == "SELECT 3");
  CHECK(r.command() == "SELECT");
  CHECK(r.rows_affected() == 3);
  std::size_t n = 0;
  for (const Row& row : r) n += row.size();
  CHECK(n == 12);
}

TEST_CASE("result: typed accessors") {
  const Result r = three_rows();
  CHECK(r[0][0].as_int64() == 1);
  CHECK(r[1][0].as_int64() == INT64_MIN);
  CHECK(r[0][2].as_bool());
  CHECK_FALSE(r[1][2].as_bool());
  CHECK(r[0][3].as_double() == 1.5);
  CHECK(std::isnan(r[1][3].as_double()));
  CHECK(r[2][3].as_double() == -INFINITY);
  CHECK_FALSE(r[2][2].as_optional_bool().has_value());
  CHECK(r[0][0].as_optional_int64() == 1);
  CHECK(r[0][3].as_optional_double() == 1.5);
}

TEST_CASE("result: misuse is an Error with a code") {
  const Result r = three_rows();
  const auto code = [](auto&& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return e.code();
    }
    return std::string("none");
  };
  CHECK(code([&] { (void)r[3]; }) == "EINVAL");
  CHECK(code([&] { (void)r[0][4]; }) == "EINVAL");
  CHECK(code([&] { (void)r[0]["missing"]; }) == "EINVAL");
  CHECK(code([&] { (void)r[0][1].as_int64(); }) == "ETYPE");
  CHECK(code([&] { (void)r[1][1].as_string(); }) == "ETYPE");
  CHECK(code([&] { (void)r[2][2].as_bool(); }) == "ETYPE");
  CHECK(code([&] { (void)r[0][2].as_double(); }) == "ETYPE");
}

TEST_CASE("result: a row wider than its description is a protocol error") {
  detail::ResultBuilder b;
  b.describe(fields({{"a", pg::oid::int4}}));
  CHECK(b.add_row(row_body({"1", "2"})).code() == ErrorCode::protocol);
  detail::ResultBuilder none;
  CHECK(none.add_row(row_body({"1"})).code() == ErrorCode::protocol);
}

TEST_CASE("result: several statements keep the last one's result, like PQexec") {
  detail::ResultBuilder b;
  b.describe(fields({{"a", pg::oid::int4}}));
  CHECK(b.add_row(row_body({"1"})).ok());
  b.complete(tag("SELECT 1", 1));
  b.complete(tag("UPDATE 7", 7));  // a statement without rows after it
  Result r = b.take();
  CHECK(r.empty());
  CHECK(r.columns() == 0);
  CHECK(r.command_tag() == "UPDATE 7");
  CHECK(r.rows_affected() == 7);
  b.complete(tag("BEGIN", std::nullopt));
  CHECK(b.take().rows_affected() == 0);
}

TEST_CASE("param: strings, numbers, booleans and NULL") {
  std::string s = "abc";
  const Param params[] = {"lit", s, std::string_view("view"), 42, std::int64_t{-7}, 2.5, true, nullptr, std::nullopt};
  CHECK(params[0].text() == "lit");
  CHECK(params[1].text() == "abc");
  CHECK(params[2].text() == "view");
  CHECK(params[3].text() == "42");
  CHECK(params[4].text() == "-7");
  CHECK(params[5].text() == "2.5");
  CHECK(params[6].text() == "true");
  CHECK(params[7].is_null());
  CHECK(params[8].is_null());
  const Param copy = params[3];  // a copy keeps its own formatted text
  CHECK(copy.text() == "42");
}
