// The JS face's boundary, natively: node-postgres's type shapes and the cells a DataRow becomes on the tape.
#include "event_tape.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edgepg/pg/text_codec.hpp"

using namespace edgepg;
using namespace edgepg::bindings;

namespace {

// A DataRow body: the column count, then each value as a length (-1 for NULL) and its bytes.
std::vector<std::uint8_t> data_row(const std::vector<std::optional<std::string>>& values) {
  std::vector<std::uint8_t> out;
  auto be = [&out](std::uint32_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  be(static_cast<std::uint32_t>(values.size()), 2);
  for (const auto& v : values) {
    be(v ? static_cast<std::uint32_t>(v->size()) : 0xFFFFFFFFu, 4);
    if (v) out.insert(out.end(), v->begin(), v->end());
  }
  return out;
}

pg::FieldDescription column(const char* name, std::uint32_t type_oid) {
  pg::FieldDescription f;
  f.name = name;
  f.type_oid = type_oid;
  return f;
}

// The cells of the last DataRow on the tape (tag and both operands each), after its two header words.
std::vector<std::uint32_t> row_cells(const EventTape& tape, std::size_t row_start) {
  const auto& w = tape.words();
  REQUIRE(w.at(row_start) == ev_data_row);
  return {w.begin() + static_cast<std::ptrdiff_t>(row_start) + 2, w.end()};
}

}  // namespace

TEST_CASE("type shapes: node-postgres's default parsers") {
  CHECK(shape_for_type(pg::oid::bool_).kind == ValueKind::boolean);
  CHECK(shape_for_type(pg::oid::int4).kind == ValueKind::number);
  CHECK(shape_for_type(pg::oid::float8).kind == ValueKind::number);
  CHECK(shape_for_type(pg::oid::jsonb).kind == ValueKind::json);
  CHECK(shape_for_type(pg::oid::text).kind == ValueKind::text);
  CHECK(shape_for_type(pg::oid::int8).kind == ValueKind::int8);  // decimal text; JS picks string, number or bigint
  CHECK(shape_for_type(999999).kind == ValueKind::text);         // unknown types: their text
  CHECK(shape_for_type(1007).kind == ValueKind::array);
  CHECK(shape_for_type(1007).element == ValueKind::number);
  CHECK(shape_for_type(1231).element == ValueKind::number);  // numeric[] -> floats, as pg does
  CHECK(shape_for_type(1016).element == ValueKind::int8);
  CHECK(shape_for_type(pg::oid::numeric).kind == ValueKind::text);
  CHECK(shape_for_type(pg::oid::uuid).kind == ValueKind::text);
  CHECK(shape_for_type(pg::oid::timestamptz).kind == ValueKind::timestamp);
  CHECK(shape_for_type(3904).kind == ValueKind::text);  // int4range: no default parser
}

TEST_CASE("event tape: a row's values become cells by their column's shape") {
  EventTape tape;
  tape.on_row_description({column("n", pg::oid::int4), column("b", pg::oid::bool_), column("t", pg::oid::text),
                           column("x", pg::oid::bytea), column("a", 1007), column("z", pg::oid::int4)});
  const std::size_t row_start = tape.words().size();
  const auto body = data_row({"42", "t", "h\xc3\xa9", "\\x6869", "{1,NULL,3}", std::nullopt});
  tape.on_data_row(body);
  CHECK_FALSE(tape.row_error());
  const auto cells = row_cells(tape, row_start);
  REQUIRE(cells.size() == 3 * 9);  // six columns; the array is its header cell and three element cells
  CHECK(cells[0] == cell_number);
  CHECK(tape.numbers().at(cells[1]) == 42.0);
  CHECK(cells[3] == cell_bool);
  CHECK(cells[4] == 1);
  CHECK(cells[6] == cell_utf8);  // a byte >= 0x80: JS decodes it as UTF-8
  CHECK(cells[8] == 3);
  CHECK(cells[9] == cell_bytea);
  CHECK(cells[11] == 2);  // "hi", decoded into the arena
  CHECK(cells[12] == cell_array);
  CHECK(cells[13] == 3);
  CHECK(cells[15] == cell_number);
  CHECK(cells[18] == cell_null);
  CHECK(cells[21] == cell_number);
  CHECK(tape.numbers().at(cells[22]) == 3.0);
  CHECK(cells[24] == cell_null);
}

TEST_CASE("event tape: a value without its type's shape goes over as its text, a half-written array rolled back") {
  EventTape tape;
  tape.on_row_description({column("a", 1007), column("n", pg::oid::int4)});
  const std::size_t row_start = tape.words().size();
  const std::size_t numbers_before = tape.numbers().size();
  tape.on_data_row(data_row({"{1,2", "4x"}));
  CHECK_FALSE(tape.row_error());
  const auto cells = row_cells(tape, row_start);
  REQUIRE(cells.size() == 6);
  CHECK(cells[0] == cell_ascii);
  CHECK(cells[2] == 4);
  CHECK(cells[3] == cell_ascii);
  CHECK(cells[5] == 2);
  CHECK(tape.numbers().size() == numbers_before);  // the array's "1" was taken back with its cell
}

TEST_CASE("event tape: a row that does not match its description is a protocol error, raw columns stay text") {
  EventTape tape;
  tape.on_row_description({column("n", pg::oid::int4)});
  tape.on_data_row(data_row({"1", "2"}));
  CHECK(tape.row_error());

  tape.reset();
  tape.set_raw_types({pg::oid::int4});
  tape.on_row_description({column("n", pg::oid::int4)});
  const std::size_t row_start = tape.words().size();
  tape.on_data_row(data_row({"7"}));
  CHECK_FALSE(tape.row_error());
  CHECK(row_cells(tape, row_start).at(0) == cell_ascii);
}

TEST_CASE("event tape: arena strings become addresses when sealed") {
  EventTape tape;
  tape.on_parameter_status({"TimeZone", "UTC"});
  const std::vector<std::uint32_t> before = tape.words();
  tape.seal();
  REQUIRE(tape.words().size() == 5);
  CHECK(tape.words()[0] == ev_parameter_status);
  CHECK(tape.words()[2] == 8);  // lengths stay
  CHECK(tape.words()[4] == 3);
  CHECK(tape.words()[3] - tape.words()[1] == before[3] - before[1]);  // both offsets moved by the arena's base
}

TEST_CASE("event tape: the login's ReadyForQuery does not end a query queued behind a pipelined login") {
  // A raw query (per-query parser: every column as text) queued before the login finished, then a plain one.
  EventTape tape;
  tape.expect_query(true);
  tape.expect_query(false);
  tape.on_authenticated();
  tape.on_ready(pg::TransactionStatus::idle);  // the login's: both queries still wait
  const auto first_row = [&tape] {
    tape.on_row_description({column("n", pg::oid::int4)});
    const std::size_t at = tape.words().size();
    tape.on_data_row(data_row({"7"}));
    return row_cells(tape, at).at(0);
  };
  CHECK(first_row() == cell_ascii);  // the first query's: raw text
  tape.on_ready(pg::TransactionStatus::idle);
  CHECK(first_row() != cell_ascii);  // the second's: a number
}
