// The server side's framing of the frontend byte stream after the startup packet: bytes go in by any chunking,
// whole messages (type byte + body) come out. The mirror of BackendParser, for a server reading its clients.
//
//   FrontendParser p(max_auth_message_size);   // small while authenticating, like PostgreSQL
//   p.feed(startup_parser.take_remaining());
//   RawMessage m;
//   while (p.next(m) == ParseStep::message) { ... }  // m.body stays valid until the next feed()
//   p.set_max_message_size(default_max_message_size);  // once the client is authenticated
//
// Errors from next() (the parser then stays failed; answer with a FATAL ErrorResponse, 08P01, and close):
//   ErrorCode::message_too_large  a length whose body exceeds max_message_size; checked on the 5-byte header, before
//                                 a byte of the body is awaited or buffered for it
//   ErrorCode::protocol           a length below 4, or a type byte that is not a frontend message type of protocol 3
//                                 (PostgreSQL: "invalid frontend message type")
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "edgepg/pg/backend_parser.hpp"
#include "edgepg/pg/messages.hpp"
#include "edgepg/status.hpp"

namespace edgepg::pg {

// PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH: its limit on PasswordMessage, SASLInitialResponse and SASLResponse bodies.
inline constexpr std::size_t max_auth_message_size = 65535;

// Frontend (client-to-server) message type bytes (protocol-message-formats.html).
namespace frontend {
inline constexpr char bind = 'B';
inline constexpr char close = 'C';
inline constexpr char copy_data = 'd';
inline constexpr char copy_done = 'c';
inline constexpr char copy_fail = 'f';
inline constexpr char describe = 'D';
inline constexpr char execute = 'E';
inline constexpr char flush = 'H';
inline constexpr char function_call = 'F';
inline constexpr char password = 'p';  // PasswordMessage, SASLInitialResponse, SASLResponse, GSSResponse
inline constexpr char parse = 'P';
inline constexpr char query = 'Q';
inline constexpr char sync = 'S';
inline constexpr char terminate = 'X';
}  // namespace frontend

// True for the 14 type bytes above.
bool is_frontend_message_type(char type) noexcept;

class FrontendParser {
 public:
  explicit FrontendParser(std::size_t max_message_size = default_max_message_size)
      : max_message_size_(max_message_size) {}

  // Appends a chunk. Bodies handed out by next() before this call are invalid afterwards. Call next() until
  // need_more before the next feed(): the buffer then holds at most one partial message (its length checked) plus
  // the chunk. Returns error() once failed.
  Status feed(Bytes chunk);
  // The next whole message; need_more when the buffered bytes end inside one; error once framing is broken.
  ParseStep next(RawMessage& out);
  // The limit on message bodies (the length word excluded), applied from the next message header on.
  void set_max_message_size(std::size_t n) noexcept { max_message_size_ = n; }
  [[nodiscard]] std::size_t max_message_size() const noexcept { return max_message_size_; }

  [[nodiscard]] const Status& error() const noexcept { return error_; }
  // Bytes received but not yet handed out as whole messages.
  [[nodiscard]] std::size_t buffered() const noexcept { return buf_.size() - pos_; }

 private:
  std::size_t max_message_size_;
  std::vector<std::uint8_t> buf_;
  std::size_t pos_ = 0;
  Status error_;
};

}  // namespace edgepg::pg
