// One DataRow value as tape cells (tape_format.hpp): parsed by its column's shape (type_shapes.hpp) with the core's
// text parsers, or handed over as its raw text when the text does not have the shape its type promises.
#pragma once

#include <string>
#include <string_view>

#include "tape_buffer.hpp"
#include "type_shapes.hpp"

namespace edgepg::bindings {

class CellWriter {
 public:
  explicit CellWriter(TapeBuffer& tape) : tape_(tape) {}
  // `stable` text lives in the parser's buffer until the next receive; other text is copied into the arena.
  void write(std::string_view text, bool stable, const TypeShape& shape) {
    write_value(text, stable, shape.kind, shape.element, shape.delimiter);
  }
  void null();

 private:
  friend class ArrayCells;
  void write_value(std::string_view text, bool stable, ValueKind kind, ValueKind element, char delimiter);
  bool write_scalar(std::string_view text, bool stable, ValueKind kind);

  TapeBuffer& tape_;
  std::string scratch_;  // decoded bytea, copied into the arena
};

}  // namespace edgepg::bindings
