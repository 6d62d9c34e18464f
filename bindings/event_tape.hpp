// A connection's events on the tape JS reads after each call (the format: tape_format.hpp; the storage:
// tape_buffer.hpp; a DataRow's values: cell_writer.hpp). It also keeps which columns go over as raw text.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "cell_writer.hpp"
#include "edgepg/pg/connection.hpp"
#include "tape_buffer.hpp"
#include "tape_format.hpp"
#include "type_shapes.hpp"

namespace edgepg::bindings {

class EventTape final : public pg::EventSink {
 public:
  void reset();
  [[nodiscard]] const std::vector<std::uint32_t>& words() const noexcept { return tape_.words; }
  [[nodiscard]] const std::vector<double>& numbers() const noexcept { return tape_.numbers; }
  // Arena strings are written as offsets first and turned into addresses once the arena stops growing.
  void seal() { tape_.seal(); }

  void on_password_needed() override { tape_.words.push_back(ev_password_needed); }
  void on_authenticated() override {
    login_ready_ = true;
    tape_.words.push_back(ev_authenticated);
  }
  void on_parameter_status(const pg::ParameterStatus& p) override;
  void on_backend_key_data(const pg::BackendKeyData& k) override;
  void on_ready(pg::TransactionStatus s) override;
  void on_row_description(const std::vector<pg::FieldDescription>& fields) override;
  void on_data_row(pg::Bytes body) override;
  void on_command_complete(const pg::CommandComplete& c) override;
  void on_empty_query() override { tape_.words.push_back(ev_empty_query); }
  void on_error(const pg::ErrorFields& e, bool fatal) override;
  void on_notice(const pg::ErrorFields& e) override;
  void on_notification(const pg::Notification& n) override;

  // NotificationResponses go on the tape only while JS has a 'notification' listener; otherwise a server could
  // fill the tape (and so the wasm heap, which never shrinks) with notifications nobody asked for.
  void set_notifications_wanted(bool wanted) noexcept { notifications_wanted_ = wanted; }

  // Types whose values are handed over as raw text (the JS side applies its own parser to them).
  void set_raw_types(std::vector<std::uint32_t> oids) { raw_types_ = std::move(oids); }
  // One entry per query sent, in order: whether all its columns go over as raw text (a per-query `types` parser
  // in JS, as node-postgres allows). Each ReadyForQuery ends the oldest query, but the login's own (queries may
  // be queued before it with a pipelined login).
  void expect_query(bool raw) { raw_queries_.push_back(raw); }

  // A DataRow that broke the protocol (set while decoding; receive() reports it).
  [[nodiscard]] bool row_error() const noexcept { return row_error_; }

 private:
  void error_fields(const pg::ErrorFields& e);

  TapeBuffer tape_;
  CellWriter cells_{tape_};
  std::vector<TypeShape> shapes_;  // of the current row description
  std::vector<std::uint32_t> raw_types_;
  std::deque<bool> raw_queries_;
  bool row_error_ = false;
  bool notifications_wanted_ = false;
  bool login_ready_ = false;  // AuthenticationOk came: the next ReadyForQuery is the login's
};

}  // namespace edgepg::bindings
