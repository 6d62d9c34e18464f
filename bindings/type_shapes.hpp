// Which shape each column type is handed to JavaScript in: node-postgres's defaults, so that rows compare
// deep-equal with `pg`'s. A policy of the JS face, not of the core: the core only parses text (pg/text_codec.hpp).
// The ValueKind numbers are read by JS (the row description's kind word, wasm/src/tape.js).
#pragma once

#include <cstdint>

namespace edgepg::bindings {

// The decoded shape of a value. Values are stable: the JS layer reads them.
enum class ValueKind : std::uint8_t {
  text = 0,       // the text as is (text, varchar, numeric, uuid, time, inet, unknown types, ...)
  boolean = 1,    // 't' / 'f'
  number = 2,     // a double: int2, int4, oid, float4, float8 (and numeric inside arrays, as node-postgres does)
  json = 3,       // JSON text, parsed by the consumer
  int8 = 4,       // decimal text; the consumer picks string, number or bigint
  bytea = 5,      // bytes (hex or escape format decoded)
  timestamp = 6,  // a date-time: UTC instant when it carries an offset, local wall time when not (timestamp, date)
  interval = 7,   // years, months, days, hours, minutes, seconds, milliseconds
  point = 8,      // (x,y)
  circle = 9,     // <(x,y),r>
  array = 10,     // an array literal of element_kind values
};

struct TypeShape {
  ValueKind kind = ValueKind::text;
  ValueKind element = ValueKind::text;  // for arrays
  char delimiter = ',';
};

// node-postgres's default text parsers (pg-types 2.x), type by type: the shape each column type is handed to JS in.
TypeShape shape_for_type(std::uint32_t type_oid) noexcept;

}  // namespace edgepg::bindings
