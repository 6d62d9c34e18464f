// The RFC 6455 opening handshake, server side, part two: the answers. The 101 Switching Protocols that accepts an
// upgrade request (§4.2.2), and small HTTP error responses that refuse it and close the connection.
//
//   std::string out;
//   static constexpr std::string_view allowed[] = {"binary"};
//   if (auto s = build_accept_response(parser.request(), allowed, out); !s) { ... }  // send out, then frames
//   build_error_response({.status = 401, .body = "token expired",
//                         .www_authenticate = R"(Bearer realm="edgepg", error="invalid_token")"}, out);
//
// Every builder appends to `out` and returns ErrorCode::invalid_argument (leaving `out` unchanged) for arguments that
// would make a malformed response: see each function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "edgepg/status.hpp"
#include "edgepg/ws/upgrade_request.hpp"

namespace edgepg::ws {

// The most bytes of body an error response carries.
inline constexpr std::size_t max_error_body = 1024;

// §4.2.2 /subprotocol/: the server's choice among the client's offers. The first entry of `allowed` (the server's
// preference order) that the client offered; nullopt when the client offered none of them (or none at all).
std::optional<std::string_view> select_protocol(const UpgradeRequest& request,
                                                std::span<const std::string_view> allowed) noexcept;

// Appends "HTTP/1.1 101 Switching Protocols" with Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Accept =
// base64(SHA-1(key + GUID)) (§4.2.2 step 5.4) and, when `protocol` is set, Sec-WebSocket-Protocol: protocol.
// invalid_argument when the key is not base64 of 16 bytes or the protocol is not a token (RFC 7230 §3.2.6).
Status build_accept_response(std::string_view key, std::optional<std::string_view> protocol, std::string& out);
// The same for a parsed request: its key, and select_protocol(request, allowed) echoed only when the client asked
// for it and the server allows it (§4.2.2: the server must not answer with a subprotocol that was not offered).
Status build_accept_response(const UpgradeRequest& request, std::span<const std::string_view> allowed_protocols,
                             std::string& out);

struct HttpErrorResponse {
  // 400, 401, 403, 404, 405, 426, 431 or 503.
  int status = 400;
  // text/plain; charset=utf-8, at most max_error_body bytes of UTF-8; empty: the reason phrase. Never put a token or
  // any other secret in it.
  std::string_view body = {};
  // 401 only, and then required (RFC 7235 §3.1), e.g. Bearer realm="edgepg", error="invalid_token" (RFC 6750 §3).
  std::string_view www_authenticate = {};
  // 503 only: Retry-After in seconds (RFC 7231 §7.1.3).
  std::optional<std::uint32_t> retry_after = {};
};

// The reason phrase of a status this module answers with; nullptr for any other status.
const char* http_reason_phrase(int status) noexcept;

// Appends the status line, Content-Type, Content-Length, the headers a status requires (WWW-Authenticate for 401,
// Allow: GET for 405 (RFC 7231 §6.5.5), Upgrade: websocket and Sec-WebSocket-Version: 13 for 426 (RFC 7231
// §6.5.15, RFC 6455 §4.4), Retry-After for 503 when given), Connection: close (with the Upgrade option beside an
// Upgrade header, RFC 7230 §6.7), and the body followed by a newline. invalid_argument for another status, a body
// too long or not UTF-8, a WWW-Authenticate missing on 401 or given on another status or holding a control byte,
// a Retry-After on another status than 503.
Status build_error_response(const HttpErrorResponse& response, std::string& out);
// The answer to a failed upgrade request: upgrade_error_status(e) with upgrade_error_message(e) as the body.
// invalid_argument for UpgradeError::none.
Status build_error_response(UpgradeError e, std::string& out);

}  // namespace edgepg::ws
