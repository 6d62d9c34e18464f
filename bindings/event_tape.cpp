#include "event_tape.hpp"

namespace edgepg::bindings {
namespace {

std::uint32_t address_of(const void* p) { return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p)); }

bool is_ascii(const std::uint8_t* p, std::size_t n) {
  std::uint8_t acc = 0;
  for (std::size_t i = 0; i < n; ++i) acc |= p[i];
  return acc < 0x80;
}

}  // namespace

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
  words_.push_back(ev_ready);
  words_.push_back(static_cast<std::uint32_t>(s));
}

void EventTape::on_row_description(const std::vector<pg::FieldDescription>& fields) {
  words_.push_back(ev_row_description);
  words_.push_back(static_cast<std::uint32_t>(fields.size()));
  kinds_.clear();
  for (const auto& f : fields) {
    const auto kind = f.format == 0 ? pg::kind_for_type(f.type_oid) : pg::ValueKind::text;
    kinds_.push_back(kind);
    arena_string(f.name);
    words_.push_back(f.type_oid);
    words_.push_back(static_cast<std::uint32_t>(kind));
    words_.push_back(f.table_oid);
    words_.push_back(static_cast<std::uint32_t>(f.column_attr));
    words_.push_back(static_cast<std::uint32_t>(f.type_size));
    words_.push_back(static_cast<std::uint32_t>(f.type_modifier));
    words_.push_back(static_cast<std::uint32_t>(f.format));
  }
}

void EventTape::on_data_row(pg::Bytes body) {
  pg::DataRowReader row;
  if (!pg::DataRowReader::open(body, row) || row.columns() != kinds_.size()) {
    row_error_ = true;
    return;
  }
  words_.push_back(ev_data_row);
  words_.push_back(row.columns());
  for (std::size_t i = 0; i < kinds_.size(); ++i) {
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
    switch (kinds_[i]) {
      case pg::ValueKind::boolean: {
        bool b;
        if (pg::parse_bool(text, b)) {
          words_.insert(words_.end(), {cell_bool, b ? 1u : 0u, 0});
          continue;
        }
        break;
      }
      case pg::ValueKind::number: {
        double d;
        if (pg::parse_integer(text, d) || pg::parse_float(text, d)) {
          words_.insert(words_.end(), {cell_number, static_cast<std::uint32_t>(numbers_.size()), 0});
          numbers_.push_back(d);
          continue;
        }
        break;
      }
      case pg::ValueKind::json:
        words_.insert(words_.end(), {cell_json, address_of(cell->data()), static_cast<std::uint32_t>(cell->size())});
        continue;
      case pg::ValueKind::text:
        break;
    }
    // Text, and any value whose text did not have its type's shape: the raw string.
    const auto tag = is_ascii(cell->data(), cell->size()) ? cell_ascii : cell_utf8;
    words_.insert(words_.end(), {tag, address_of(cell->data()), static_cast<std::uint32_t>(cell->size())});
  }
  if (!row.at_end()) row_error_ = true;
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
  for (const std::string* f :
       {&e.severity, &e.severity_nonlocal, &e.code, &e.message, &e.detail, &e.hint, &e.position,
        &e.internal_position, &e.internal_query, &e.where, &e.schema, &e.table, &e.column, &e.data_type,
        &e.constraint, &e.file, &e.line, &e.routine}) {
    arena_string(*f);
  }
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
  words_.push_back(ev_notification);
  words_.push_back(static_cast<std::uint32_t>(n.process_id));
  arena_string(n.channel);
  arena_string(n.payload);
}

}  // namespace edgepg::bindings
