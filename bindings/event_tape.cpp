#include "event_tape.hpp"

#include <algorithm>

namespace edgepg::bindings {

void EventTape::reset() {
  tape_.reset();
  row_error_ = false;
}

void EventTape::on_parameter_status(const pg::ParameterStatus& p) {
  tape_.words.push_back(ev_parameter_status);
  tape_.arena_string(p.name);
  tape_.arena_string(p.value);
}

void EventTape::on_backend_key_data(const pg::BackendKeyData& k) {
  tape_.words.push_back(ev_backend_key_data);
  tape_.words.push_back(static_cast<std::uint32_t>(k.process_id));
  tape_.words.push_back(static_cast<std::uint32_t>(k.secret_key));
}

void EventTape::on_ready(pg::TransactionStatus s) {
  if (login_ready_) {
    login_ready_ = false;
  } else if (!raw_queries_.empty()) {
    raw_queries_.pop_front();
  }
  tape_.words.push_back(ev_ready);
  tape_.words.push_back(static_cast<std::uint32_t>(s));
}

void EventTape::on_row_description(const std::vector<pg::FieldDescription>& fields) {
  tape_.words.push_back(ev_row_description);
  tape_.words.push_back(static_cast<std::uint32_t>(fields.size()));
  shapes_.clear();
  const bool all_raw = !raw_queries_.empty() && raw_queries_.front();
  for (const auto& f : fields) {
    TypeShape shape = shape_for_type(f.type_oid);
    const bool raw =
        all_raw || f.format != 0 || std::find(raw_types_.begin(), raw_types_.end(), f.type_oid) != raw_types_.end();
    if (raw) shape = TypeShape{};
    shapes_.push_back(shape);
    tape_.arena_string(f.name);
    tape_.words.push_back(f.type_oid);
    tape_.words.push_back(static_cast<std::uint32_t>(shape.kind));
    tape_.words.push_back(f.table_oid);
    tape_.words.push_back(static_cast<std::uint32_t>(f.column_attr));
    tape_.words.push_back(static_cast<std::uint32_t>(f.type_size));
    tape_.words.push_back(static_cast<std::uint32_t>(f.type_modifier));
    tape_.words.push_back(static_cast<std::uint32_t>(f.format));
  }
}

void EventTape::on_data_row(pg::Bytes body) {
  pg::DataRowReader row;
  if (!pg::DataRowReader::open(body, row) || row.columns() != shapes_.size()) {
    row_error_ = true;
    return;
  }
  tape_.words.push_back(ev_data_row);
  tape_.words.push_back(row.columns());
  for (const auto& shape : shapes_) {
    std::optional<pg::Bytes> cell;
    if (!row.next(cell)) {
      row_error_ = true;
      return;
    }
    if (!cell) {
      cells_.null();
      continue;
    }
    const std::string_view text(reinterpret_cast<const char*>(cell->data()), cell->size());
    cells_.write(text, true, shape);
  }
  if (!row.at_end()) row_error_ = true;
}

void EventTape::on_command_complete(const pg::CommandComplete& c) {
  tape_.words.push_back(ev_command_complete);
  tape_.arena_string(c.tag);
  if (c.rows) {
    tape_.words.push_back(static_cast<std::uint32_t>(tape_.numbers.size()));
    tape_.numbers.push_back(static_cast<double>(*c.rows));
  } else {
    tape_.words.push_back(0xFFFFFFFFu);
  }
}

void EventTape::error_fields(const pg::ErrorFields& e) {
  for (const pg::ErrorFieldCode& f : pg::error_field_codes) tape_.arena_string(e.*f.member);
}

void EventTape::on_error(const pg::ErrorFields& e, bool fatal) {
  tape_.words.push_back(ev_error);
  tape_.words.push_back(fatal ? 1 : 0);
  error_fields(e);
}

void EventTape::on_notice(const pg::ErrorFields& e) {
  tape_.words.push_back(ev_notice);
  error_fields(e);
}

void EventTape::on_notification(const pg::Notification& n) {
  if (!notifications_wanted_) return;
  tape_.words.push_back(ev_notification);
  tape_.words.push_back(static_cast<std::uint32_t>(n.process_id));
  tape_.arena_string(n.channel);
  tape_.arena_string(n.payload);
}

}  // namespace edgepg::bindings
