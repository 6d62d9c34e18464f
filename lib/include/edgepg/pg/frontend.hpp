// Serializer of frontend (client-to-server) messages. Every call appends one message to one output buffer, so all
// that is written between two drains leaves as one write (one WebSocket message in the JS face).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edgepg/status.hpp"

namespace edgepg::pg {

// A text-format parameter: nullopt is SQL NULL.
using Param = std::optional<std::string_view>;

class FrontendWriter {
 public:
  // StartupMessage, protocol 3.0. Parameters must not contain NUL bytes (checked by the connection).
  void startup(std::span<const std::pair<std::string, std::string>> params);
  void ssl_request();
  // CancelRequest: sent on a new connection, not the one running the query
  // (protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS).
  void cancel_request(std::int32_t process_id, std::int32_t secret_key);
  void password(std::string_view password);  // PasswordMessage (cleartext or md5 hash)
  void sasl_initial_response(std::string_view mechanism, std::string_view data);
  void sasl_response(std::string_view data);
  void query(std::string_view sql);  // simple query
  void parse(std::string_view statement, std::string_view sql, std::span<const std::uint32_t> param_types);
  // Bind, all results in text format. param_formats: empty = every parameter in text format, else one format code
  // per parameter (0 text, 1 binary).
  void bind(std::string_view portal, std::string_view statement, std::span<const Param> params,
            std::span<const std::int16_t> param_formats = {});
  void describe(char kind, std::string_view name);  // kind 'S' statement or 'P' portal
  void execute(std::string_view portal, std::int32_t max_rows);
  void close(char kind, std::string_view name);
  void sync();
  void flush();
  void terminate();

  [[nodiscard]] std::span<const std::uint8_t> data() const noexcept { return buf_; }
  [[nodiscard]] bool empty() const noexcept { return buf_.empty(); }
  void clear() noexcept { buf_.clear(); }
  // Overwrites and releases the buffer (it may have carried a password).
  void wipe() noexcept;

 private:
  std::size_t begin(char type);  // returns the length slot's offset
  void end(std::size_t length_at);
  void put_u8(std::uint8_t v) { buf_.push_back(v); }
  void put_i16(std::int16_t v);
  void put_i32(std::int32_t v);
  void put_bytes(std::string_view s) { buf_.insert(buf_.end(), s.begin(), s.end()); }
  void put_cstr(std::string_view s) {
    put_bytes(s);
    buf_.push_back(0);
  }

  std::vector<std::uint8_t> buf_;
};

}  // namespace edgepg::pg
