// The RFC 6455 opening handshake, client side: build the HTTP/1.1 Upgrade request, then check the server's
// response, fed by any chunking. Randomness (the 16-byte nonce behind Sec-WebSocket-Key) is an input.
//
//   std::string key = websocket_key(nonce);
//   std::string request;
//   if (auto s = build_handshake_request(req, key, request); !s) { ... }   // send `request`
//   HandshakeResponseParser p(key, req.protocols);
//   Bytes rest;
//   switch (p.feed(chunk, rest)) { case HandshakeStep::done: /* `rest` starts the frame stream */ ... }
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edgepg/status.hpp"
#include "edgepg/ws/frame.hpp"

namespace edgepg::ws {

using Nonce = std::array<std::uint8_t, 16>;

inline constexpr std::size_t default_max_handshake_size = 16u * 1024u;

struct HandshakeRequest {
  std::string host;  // the Host header: "example.com" or "example.com:8443" (the caller adds a non-default port)
  std::string target = "/";            // path and query, e.g. "/v1?address=db:5432"; must start with '/'
  std::vector<std::string> protocols;  // Sec-WebSocket-Protocol offers, in preference order
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Origin, Authorization, ...)
};

// §4.1: the Sec-WebSocket-Key, base64 of a 16-byte nonce that must be fresh and random for each connection.
std::string websocket_key(std::span<const std::uint8_t, 16> nonce);

// §4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")), what the server must answer.
std::string websocket_accept(std::string_view key);

// Appends the GET request to `out`. ErrorCode::invalid_argument when the host is empty, the target does not start with
// '/', a value holds CR, LF or NUL, a header name or subprotocol is not an RFC 7230 token, or an extra header
// repeats one the handshake sets itself (Host, Upgrade, Connection, Sec-WebSocket-*); `out` is then unchanged.
Status build_handshake_request(const HandshakeRequest& request, std::string_view key, std::string& out);

enum class HandshakeStep { need_more, done, error };

// Checks the server's response in the order of §4.1's client rules: a "HTTP/1.1 101" status line; "Upgrade:
// websocket" (case-insensitive); a Connection header with the "Upgrade" token; Sec-WebSocket-Accept equal to
// websocket_accept(key); no Sec-WebSocket-Extensions (none offered); a Sec-WebSocket-Protocol, if any, that was
// offered. Header lines end in CRLF; obs-fold continuation lines are refused. Errors: error(), whose code is the rule
// (ErrorCode::ws_bad_status, ws_bad_accept, ...; ws_handshake_too_large when the header section exceeds max_size).
class HandshakeResponseParser {
 public:
  HandshakeResponseParser(std::string key, std::vector<std::string> offered_protocols,
                          std::size_t max_size = default_max_handshake_size);

  // Consumes bytes up to the end of the header section ("\r\n\r\n"). On done, `rest` is the part of `chunk` after
  // it: the first bytes of the server's frame stream, which belong to the frame decoder. After done or error,
  // further calls return the same step and consume nothing.
  HandshakeStep feed(Bytes chunk, Bytes& rest);

  [[nodiscard]] const Status& error() const noexcept { return error_; }
  // The HTTP status code once the status line was read (0 before), e.g. to tell 401 from 404 after a failure.
  [[nodiscard]] int status_code() const noexcept { return status_code_; }
  // The subprotocol the server chose; empty when it chose none.
  [[nodiscard]] const std::string& protocol() const noexcept { return protocol_; }
  // A response header's value by case-insensitive name (the first one), once the header section is complete.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;

 private:
  HandshakeStep fail(ErrorCode e, std::string detail);
  HandshakeStep check();

  std::string key_;
  std::vector<std::string> offered_;
  std::size_t max_size_;
  std::string head_;    // the header section as received so far
  int crlf_state_ = 0;  // how much of "\r\n\r\n" the received bytes end with
  HandshakeStep step_ = HandshakeStep::need_more;
  Status error_;
  int status_code_ = 0;
  std::string protocol_;
  std::vector<std::pair<std::string, std::string>> headers_;  // names as received, values trimmed
};

}  // namespace edgepg::ws
