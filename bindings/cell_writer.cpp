#include "cell_writer.hpp"

#include <cstdint>
#include <vector>

#include "edgepg/pg/text_codec.hpp"
#include "tape_format.hpp"

namespace edgepg::bindings {
namespace {

bool is_ascii(const std::uint8_t* p, std::size_t n) {
  std::uint8_t acc = 0;
  for (std::size_t i = 0; i < n; ++i) acc |= p[i];
  return acc < 0x80;
}

}  // namespace

void CellWriter::null() { tape_.words.insert(tape_.words.end(), {cell_null, 0, 0}); }

bool CellWriter::write_scalar(std::string_view text, bool stable, ValueKind kind) {
  using K = ValueKind;
  switch (kind) {
    case K::boolean: {
      bool b;
      if (!pg::parse_bool(text, b)) return false;
      tape_.words.insert(tape_.words.end(), {cell_bool, b ? 1u : 0u, 0});
      return true;
    }
    case K::number: {
      double d;
      if (!pg::parse_integer(text, d) && !pg::parse_float(text, d)) return false;
      tape_.numbers_cell(cell_number, {d});
      return true;
    }
    case K::json:
      tape_.text(cell_json, text, stable);
      return true;
    case K::int8:
      if (!pg::is_int8_text(text)) return false;
      tape_.text(cell_int8, text, stable);
      return true;
    case K::bytea: {
      scratch_.clear();
      if (!pg::parse_bytea(text, scratch_)) return false;
      tape_.words.push_back(cell_bytea);
      tape_.arena_string(scratch_);
      return true;
    }
    case K::timestamp: {
      pg::DateTime t;
      if (!pg::parse_datetime(text, t)) return false;
      switch (t.kind) {
        case pg::DateTime::Kind::pos_infinity:
        case pg::DateTime::Kind::neg_infinity:
          tape_.words.insert(tape_.words.end(),
                             {cell_infinity, t.kind == pg::DateTime::Kind::pos_infinity ? 1u : 0u, 0});
          break;
        case pg::DateTime::Kind::utc:
          tape_.numbers_cell(cell_date_utc, {t.utc_ms});
          break;
        case pg::DateTime::Kind::local:
          tape_.numbers_cell(cell_date_local,
                             {static_cast<double>(t.year), static_cast<double>(t.month), static_cast<double>(t.day),
                              static_cast<double>(t.hour), static_cast<double>(t.minute), static_cast<double>(t.second),
                              t.millisecond});
          break;
      }
      return true;
    }
    case K::interval: {
      pg::Interval v;
      if (!pg::parse_interval(text, v)) return false;
      tape_.numbers_cell(cell_interval, {v.years, v.months, v.days, v.hours, v.minutes, v.seconds, v.milliseconds});
      return true;
    }
    case K::point: {
      double x, y;
      if (!pg::parse_point(text, x, y)) return false;
      tape_.numbers_cell(cell_point, {x, y});
      return true;
    }
    case K::circle: {
      double x, y, r;
      if (!pg::parse_circle(text, x, y, r)) return false;
      tape_.numbers_cell(cell_circle, {x, y, r});
      return true;
    }
    case K::text:
    case K::array:
      return false;
  }
  return false;
}

// Writes an array literal's elements as nested cells, patching each level's element count when it closes.
class ArrayCells final : public pg::ArrayVisitor {
 public:
  ArrayCells(CellWriter& writer, ValueKind element) : writer_(writer), words_(writer.tape_.words), element_(element) {}
  void begin() override {
    count_element();
    levels_.push_back({words_.size(), 0});
    words_.insert(words_.end(), {cell_array, 0, 0});
  }
  void end() override {
    words_[levels_.back().at + 1] = levels_.back().count;
    levels_.pop_back();
  }
  void null() override {
    count_element();
    words_.insert(words_.end(), {cell_null, 0, 0});
  }
  void element(std::string_view text, bool stable) override {
    count_element();
    writer_.write_value(text, stable, element_, ValueKind::text, ',');
  }

 private:
  void count_element() {
    if (!levels_.empty()) ++levels_.back().count;
  }
  struct Level {
    std::size_t at;
    std::uint32_t count;
  };
  CellWriter& writer_;
  std::vector<std::uint32_t>& words_;
  ValueKind element_;
  std::vector<Level> levels_;
};

void CellWriter::write_value(std::string_view text, bool stable, ValueKind kind, ValueKind element, char delimiter) {
  if (kind == ValueKind::array) {
    // On a malformed literal, roll the tape back and hand over the raw text.
    const TapeBuffer::Mark mark = tape_.mark();
    ArrayCells cells(*this, element);
    if (pg::parse_array(text, delimiter, cells)) return;
    tape_.rollback(mark);
  } else if (kind != ValueKind::text) {
    if (write_scalar(text, stable, kind)) return;
  }
  // Text, and any value whose text did not have its type's shape: the raw string.
  const auto tag = is_ascii(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()) ? cell_ascii : cell_utf8;
  tape_.text(tag, text, stable);
}

}  // namespace edgepg::bindings
