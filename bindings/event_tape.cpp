#include "event_tape.hpp"

#include <algorithm>

namespace edgepg::bindings {
namespace {

std::uint32_t address_of(const void* p) { return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p)); }

bool is_ascii(const std::uint8_t* p, std::size_t n) {
  std::uint8_t acc = 0;
  for (std::size_t i = 0; i < n; ++i) acc |= p[i];
  return acc < 0x80;
}

}  // namespace

std::string tape_tags() {
  std::string out;
  for (const auto& t : event_tags)
    out.append("event ").append(t.name).append(" ").append(std::to_string(t.value)) += '\n';
  for (const auto& t : cell_tags)
    out.append("cell ").append(t.name).append(" ").append(std::to_string(t.value)) += '\n';
  return out;
}

void EventTape::reset() {
  words_.clear();
  numbers_.clear();
  arena_.clear();
  arena_slots_.clear();
  row_error_ = false;
}

void EventTape::seal() {
  const auto base = address_of(arena_.data());
  for (auto slot : arena_slots_) words_[slot] += base;
  arena_slots_.clear();
}

void EventTape::arena_string(std::string_view s) {
  arena_slots_.push_back(words_.size());
  words_.push_back(static_cast<std::uint32_t>(arena_.size()));
  words_.push_back(static_cast<std::uint32_t>(s.size()));
  arena_.append(s);
}

void EventTape::on_parameter_status(const pg::ParameterStatus& p) {
  words_.push_back(ev_parameter_status);
  arena_string(p.name);
  arena_string(p.value);
}

void EventTape::on_backend_key_data(const pg::BackendKeyData& k) {
  words_.push_back(ev_backend_key_data);
  words_.push_back(static_cast<std::uint32_t>(k.process_id));
  words_.push_back(static_cast<std::uint32_t>(k.secret_key));
}

void EventTape::on_ready(pg::TransactionStatus s) {
  if (!raw_queries_.empty()) raw_queries_.pop_front();
  words_.push_back(ev_ready);
  words_.push_back(static_cast<std::uint32_t>(s));
}

void EventTape::on_row_description(const std::vector<pg::FieldDescription>& fields) {
  words_.push_back(ev_row_description);
  words_.push_back(static_cast<std::uint32_t>(fields.size()));
  shapes_.clear();
  const bool all_raw = !raw_queries_.empty() && raw_queries_.front();
  for (const auto& f : fields) {
    pg::TypeShape shape = pg::shape_for_type(f.type_oid);
    const bool raw =
        all_raw || f.format != 0 || std::find(raw_types_.begin(), raw_types_.end(), f.type_oid) != raw_types_.end();
    if (raw) shape = pg::TypeShape{};
    shapes_.push_back(shape);
    arena_string(f.name);
    words_.push_back(f.type_oid);
    words_.push_back(static_cast<std::uint32_t>(shape.kind));
    words_.push_back(f.table_oid);
    words_.push_back(static_cast<std::uint32_t>(f.column_attr));
    words_.push_back(static_cast<std::uint32_t>(f.type_size));
    words_.push_back(static_cast<std::uint32_t>(f.type_modifier));
    words_.push_back(static_cast<std::uint32_t>(f.format));
  }
}

void EventTape::on_data_row(pg::Bytes body) {
  pg::DataRowReader row;
  if (!pg::DataRowReader::open(body, row) || row.columns() != shapes_.size()) {
    row_error_ = true;
    return;
  }
  words_.push_back(ev_data_row);
  words_.push_back(row.columns());
  for (const auto& shape : shapes_) {
    std::optional<pg::Bytes> cell;
    if (!row.next(cell)) {
      row_error_ = true;
      return;
    }
    if (!cell) {
      words_.insert(words_.end(), {cell_null, 0, 0});
      continue;
    }
    const std::string_view text(reinterpret_cast<const char*>(cell->data()), cell->size());
    write_value(text, true, shape.kind, shape.element, shape.delimiter);
  }
  if (!row.at_end()) row_error_ = true;
}

void EventTape::write_text(std::string_view text, bool stable, std::uint32_t tag) {
  words_.push_back(tag);
  if (stable) {
    words_.push_back(address_of(text.data()));
    words_.push_back(static_cast<std::uint32_t>(text.size()));
  } else {
    arena_string(text);
  }
}

void EventTape::push_numbers(std::initializer_list<double> values, std::uint32_t tag) {
  words_.insert(words_.end(), {tag, static_cast<std::uint32_t>(numbers_.size()), 0});
  numbers_.insert(numbers_.end(), values);
}

bool EventTape::write_scalar(std::string_view text, bool stable, pg::ValueKind kind) {
  using K = pg::ValueKind;
  switch (kind) {
    case K::boolean: {
      bool b;
      if (!pg::parse_bool(text, b)) return false;
      words_.insert(words_.end(), {cell_bool, b ? 1u : 0u, 0});
      return true;
    }
    case K::number: {
      double d;
      if (!pg::parse_integer(text, d) && !pg::parse_float(text, d)) return false;
      push_numbers({d}, cell_number);
      return true;
    }
    case K::json:
      write_text(text, stable, cell_json);
      return true;
    case K::int8:
      if (!pg::is_int8_text(text)) return false;
      write_text(text, stable, cell_int8);
      return true;
    case K::bytea: {
      scratch_.clear();
      if (!pg::parse_bytea(text, scratch_)) return false;
      words_.push_back(cell_bytea);
      arena_string(scratch_);
      return true;
    }
    case K::timestamp: {
      pg::DateTime t;
      if (!pg::parse_datetime(text, t)) return false;
      switch (t.kind) {
        case pg::DateTime::Kind::pos_infinity:
        case pg::DateTime::Kind::neg_infinity:
          words_.insert(words_.end(), {cell_infinity, t.kind == pg::DateTime::Kind::pos_infinity ? 1u : 0u, 0});
          break;
        case pg::DateTime::Kind::utc:
          push_numbers({t.utc_ms}, cell_date_utc);
          break;
        case pg::DateTime::Kind::local:
          push_numbers({static_cast<double>(t.year), static_cast<double>(t.month), static_cast<double>(t.day),
                        static_cast<double>(t.hour), static_cast<double>(t.minute), static_cast<double>(t.second),
                        t.millisecond},
                       cell_date_local);
          break;
      }
      return true;
    }
    case K::interval: {
      pg::Interval v;
      if (!pg::parse_interval(text, v)) return false;
      push_numbers({v.years, v.months, v.days, v.hours, v.minutes, v.seconds, v.milliseconds}, cell_interval);
      return true;
    }
    case K::point: {
      double x, y;
      if (!pg::parse_point(text, x, y)) return false;
      push_numbers({x, y}, cell_point);
      return true;
    }
    case K::circle: {
      double x, y, r;
      if (!pg::parse_circle(text, x, y, r)) return false;
      push_numbers({x, y, r}, cell_circle);
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
  ArrayCells(EventTape& tape, pg::ValueKind element) : tape_(tape), element_(element) {}
  void begin() override {
    count_element();
    levels_.push_back({tape_.words_.size(), 0});
    tape_.words_.insert(tape_.words_.end(), {cell_array, 0, 0});
  }
  void end() override {
    tape_.words_[levels_.back().at + 1] = levels_.back().count;
    levels_.pop_back();
  }
  void null() override {
    count_element();
    tape_.words_.insert(tape_.words_.end(), {cell_null, 0, 0});
  }
  void element(std::string_view text, bool stable) override {
    count_element();
    tape_.write_value(text, stable, element_, pg::ValueKind::text, ',');
  }

 private:
  void count_element() {
    if (!levels_.empty()) ++levels_.back().count;
  }
  struct Level {
    std::size_t at;
    std::uint32_t count;
  };
  EventTape& tape_;
  pg::ValueKind element_;
  std::vector<Level> levels_;
};

void EventTape::write_value(std::string_view text, bool stable, pg::ValueKind kind, pg::ValueKind element,
                            char delimiter) {
  if (kind == pg::ValueKind::array) {
    // On a malformed literal, roll the tape back and hand over the raw text.
    const auto words_mark = words_.size();
    const auto numbers_mark = numbers_.size();
    const auto slots_mark = arena_slots_.size();
    ArrayCells cells(*this, element);
    if (pg::parse_array(text, delimiter, cells)) return;
    words_.resize(words_mark);
    numbers_.resize(numbers_mark);
    arena_slots_.resize(slots_mark);
  } else if (kind != pg::ValueKind::text) {
    if (write_scalar(text, stable, kind)) return;
  }
  // Text, and any value whose text did not have its type's shape: the raw string.
  const auto tag = is_ascii(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()) ? cell_ascii : cell_utf8;
  write_text(text, stable, tag);
}

void EventTape::on_command_complete(const pg::CommandComplete& c) {
  words_.push_back(ev_command_complete);
  arena_string(c.tag);
  if (c.rows) {
    words_.push_back(static_cast<std::uint32_t>(numbers_.size()));
    numbers_.push_back(static_cast<double>(*c.rows));
  } else {
    words_.push_back(0xFFFFFFFFu);
  }
}

void EventTape::error_fields(const pg::ErrorFields& e) {
  for (const pg::ErrorFieldCode& f : pg::error_field_codes) arena_string(e.*f.member);
}

void EventTape::on_error(const pg::ErrorFields& e, bool fatal) {
  words_.push_back(ev_error);
  words_.push_back(fatal ? 1 : 0);
  error_fields(e);
}

void EventTape::on_notice(const pg::ErrorFields& e) {
  words_.push_back(ev_notice);
  error_fields(e);
}

void EventTape::on_notification(const pg::Notification& n) {
  if (!notifications_wanted_) return;
  words_.push_back(ev_notification);
  words_.push_back(static_cast<std::uint32_t>(n.process_id));
  arena_string(n.channel);
  arena_string(n.payload);
}

}  // namespace edgepg::bindings
