// The boundary format between the core and JavaScript: a connection's events, written as 32-bit words into a
// "tape" that JS reads in one pass after each call, with numbers in a side array of doubles and strings as
// (address, length) pairs into wasm memory. One call in, one batch of events out: no per-value crossings.
//
// Layout of each event (words): the event code, then its operands as listed below. Strings are two words, an
// absolute wasm address and a byte length. Cells of a DataRow are three words: a cell tag and two operands.
// The JS reader is wasm/src/tape.js. The tags' values live here only: JS reads them once when the module loads
// (tapeTags(), from event_tags and cell_tags below) and refuses a module whose names differ from its readers'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace edgepg::bindings {

enum Event : std::uint32_t {
  ev_ready = 1,            // tx status char
  ev_row_description = 2,  // n, then n x [name(2), type oid, kind, table oid, column attr, type size, type mod, format]
  ev_data_row = 3,         // n, then n x cell(3)
  ev_command_complete = 4,  // tag(2), rows index into numbers (or -1)
  ev_empty_query = 5,       //
  ev_error = 6,             // fatal, then 18 strings in ErrorFields order
  ev_notice = 7,            // 18 strings
  ev_parameter_status = 8,  // name(2), value(2)
  ev_backend_key_data = 9,  // pid, secret
  ev_authenticated = 10,    //
  ev_password_needed = 11,  //
  ev_notification = 12,     // pid, channel(2), payload(2)
};

enum Cell : std::uint32_t {
  cell_null = 0,        // -, -
  cell_ascii = 1,       // address, length: text with no byte >= 0x80
  cell_utf8 = 2,        // address, length
  cell_bool = 3,        // 0/1, -
  cell_number = 4,      // index into numbers, -
  cell_json = 5,        // address, length
  cell_int8 = 6,        // address, length (decimal text)
  cell_bytea = 7,       // address, length (decoded bytes)
  cell_date_utc = 8,    // index into numbers (ms since the epoch), -
  cell_date_local = 9,  // index into numbers (year, month, day, hour, minute, second, ms), -
  cell_infinity = 10,   // 1 for +infinity, 0 for -infinity, -
  cell_interval = 11,   // index into numbers (years, months, days, hours, minutes, seconds, ms), -
  cell_point = 12,      // index into numbers (x, y), -
  cell_circle = 13,     // index into numbers (x, y, radius), -
  cell_array = 14,      // element count, -; then that many cells
};

// The tags by the names JS knows them (wasm/src/tape.js: EV.<name>, CELL.<name>), one entry per enumerator.
struct TapeTag {
  const char* name;
  std::uint32_t value;
};
inline constexpr TapeTag event_tags[] = {
    {"READY", ev_ready},
    {"ROW_DESCRIPTION", ev_row_description},
    {"DATA_ROW", ev_data_row},
    {"COMMAND_COMPLETE", ev_command_complete},
    {"EMPTY_QUERY", ev_empty_query},
    {"ERROR", ev_error},
    {"NOTICE", ev_notice},
    {"PARAMETER_STATUS", ev_parameter_status},
    {"BACKEND_KEY_DATA", ev_backend_key_data},
    {"AUTHENTICATED", ev_authenticated},
    {"PASSWORD_NEEDED", ev_password_needed},
    {"NOTIFICATION", ev_notification},
};
inline constexpr TapeTag cell_tags[] = {
    {"NULL", cell_null},         {"ASCII", cell_ascii},
    {"UTF8", cell_utf8},         {"BOOL", cell_bool},
    {"NUMBER", cell_number},     {"JSON", cell_json},
    {"INT8", cell_int8},         {"BYTEA", cell_bytea},
    {"DATE_UTC", cell_date_utc}, {"DATE_LOCAL", cell_date_local},
    {"INFINITY", cell_infinity}, {"INTERVAL", cell_interval},
    {"POINT", cell_point},       {"CIRCLE", cell_circle},
    {"ARRAY", cell_array},
};

// Every tag is listed once: the values run first, first + 1, ... with no gap up to the last enumerator.
template <std::size_t N>
constexpr bool tags_complete(const TapeTag (&tags)[N], std::uint32_t first, std::uint32_t last) {
  if (N != last - first + 1) return false;
  for (std::size_t i = 0; i < N; ++i) {
    if (tags[i].value != first + i) return false;
  }
  return true;
}
static_assert(tags_complete(event_tags, ev_ready, ev_notification));
static_assert(tags_complete(cell_tags, cell_null, cell_array));

// "event READY 1\n...cell NULL 0\n...": what JS reads once at load (module.cpp exports it as tapeTags).
std::string tape_tags();

}  // namespace edgepg::bindings
