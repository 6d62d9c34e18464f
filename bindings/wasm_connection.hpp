// One PostgreSQL connection as JavaScript drives it: JS owns the WebSocket and the promises, this object owns the
// protocol state. Every call returns a status code (0 = ok, else an edgepg::ErrorCode value) and fills the shared
// header that JS reads (see header_words below): output bytes to send and the event tape.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgepg/pg/connection.hpp"
#include "event_tape.hpp"

namespace edgepg::bindings {

class WasmConnection {
 public:
  // Request buffer: JS writes inputs (server bytes, query text, parameters) here before calling.
  WasmConnection(const std::string& user, const std::string& database, const std::string& application_name,
                 const std::string& scram_nonce, double max_message_size);

  // Address of a buffer of at least `size` bytes for the next call's input.
  std::uint32_t request_buffer(std::uint32_t size);
  // Address of the header: 8 words [output address, output length, tape address, tape words, numbers address,
  // status, phase, transaction status].
  std::uint32_t header() const { return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(header_)); }

  int add_startup_parameter(const std::string& name, const std::string& value);
  // Before start(): libpq's require_auth text ("" = any method) and the SCRAM iteration limit.
  int set_auth_policy(const std::string& require_auth, double scram_max_iterations);
  void set_notifications_wanted(bool wanted) { tape_.set_notifications_wanted(wanted); }
  int start();
  // Password: `length` UTF-8 bytes in the request buffer (wiped after use).
  int provide_password(std::uint32_t length);
  // After start() and provide_password(): the pipelined login (pg::Connection::pipeline_password).
  int pipeline_password() {
    tape_.reset();
    return finish(conn_.pipeline_password());
  }
  // Server bytes: `length` bytes in the request buffer.
  int receive(std::uint32_t length);
  // Simple query: `length` bytes of SQL in the request buffer. raw: hand every column over as text.
  int query(std::uint32_t length, bool raw);
  // Extended query. Request buffer: [sql length u32][sql][name length u32][name][flags u32: 1 = parse][count u32]
  // then per parameter [length i32 (-1 = NULL)][format u8: 0 text, 1 binary][bytes]. All little-endian, as wasm
  // memory is. An empty name is the unnamed statement (always parsed); see pg::ExtendedQuery.
  int query_params(std::uint32_t length, bool raw);
  // Types to hand over as raw text: `count` u32 OIDs in the request buffer.
  void set_raw_types(std::uint32_t count);
  // After a SCRAM login: the derived keys as "salt\niterations\nhex(client_key)hex(server_key)", or "".
  std::string scram_keys() const;
  // Before start(): keys from an earlier login with the same password (the string scram_keys() gave).
  int use_scram_keys(const std::string& keys);
  bool scram_used_cached_keys() const { return conn_.scram_used_cached_keys(); }
  // The 16 bytes of a CancelRequest for this session (to send on a new connection); 0 before BackendKeyData.
  std::uint32_t cancel_request();
  void terminate();
  void mark_closed();
  void clear_output();
  // The message of the last failed call (never holds secrets).
  std::string last_error() const { return last_error_; }

 private:
  int finish(Status s);

  EventTape tape_;
  pg::Connection conn_;
  std::vector<std::uint8_t> request_;
  std::vector<pg::Param> params_;
  std::vector<std::int16_t> formats_;
  std::string last_error_;
  std::uint32_t header_[8] = {};
  pg::FrontendWriter cancel_;
};

}  // namespace edgepg::bindings
