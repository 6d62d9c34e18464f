// The RFC 6455 opening handshake, server side, part one: the client's HTTP/1.1 Upgrade request, fed by any
// chunking and checked rule by rule (§4.2.1). upgrade_response.hpp builds the answers.
//
//   UpgradeRequestParser p;
//   Bytes rest;
//   switch (p.feed(chunk, rest)) {
//     case HandshakeStep::need_more: ...                       // read more
//     case HandshakeStep::error: build_error_response(p.upgrade_error(), out); ...  // send, close
//     case HandshakeStep::done: const UpgradeRequest& r = p.request(); ...       // decide, answer 101 or 4xx
//   }
//
// Errors: error() is ErrorCode::message_too_large for request_too_large and ErrorCode::protocol for every other rule,
// and upgrade_error() names the rule (upgrade_error_status() gives the HTTP status to answer with). Messages never
// quote header values, the request target or credentials; at most a header name or the method.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edgepg/status.hpp"
#include "edgepg/ws/frame.hpp"
#include "edgepg/ws/handshake.hpp"

namespace edgepg::ws {

// One error per rule, in the order they are checked.
enum class UpgradeError : std::uint8_t {
  none = 0,
  request_too_large,   // 431: the header section exceeds the parser's limit (16 KiB by default)
  bad_request_line,    // 400: not "method SP request-target SP HTTP-version" (RFC 7230 §3.1.1)
  method_not_get,      // 405: §4.2.1 rule 1: the method must be GET
  bad_http_version,    // 400: §4.2.1 rule 1: HTTP/1.1 or higher
  bad_target,          // 400: §4.2.1 rule 1 / §3: an origin-form target ('/' path, optional '?' query, RFC 3986
                       //      characters, valid %XX escapes, no fragment). The absolute form §4.2.1 also allows is
                       //      refused on purpose: with two authorities (Host and the target's) which one counts
                       //      would be ambiguous, and no WebSocket client sends it
  bad_header_line,     // 400: a line without ':', a name that is not a token, space before ':', obs-fold, or a
                       //      control byte in a value (RFC 7230 §3.2, §3.2.4)
  duplicate_header,    // 400: Host, Sec-WebSocket-Key, Sec-WebSocket-Version, Origin, Authorization or
                       //      Content-Length more than once (RFC 7230 §5.4, RFC 6455 §11.3.1, §11.3.5)
  missing_host,        // 400: §4.2.1 rule 2: no Host, or one that is not uri-host [":" port] (RFC 7230 §5.4)
  missing_upgrade,     // 426: §4.2.1 rule 3: no Upgrade header listing "websocket" (case-insensitive)
  missing_connection,  // 400: §4.2.1 rule 4: no Connection header listing "Upgrade" (case-insensitive)
  bad_key,             // 400: §4.2.1 rule 5: Sec-WebSocket-Key missing or not base64 of 16 bytes
  bad_version,         // 426: §4.2.1 rule 6: Sec-WebSocket-Version missing or not 13 (§4.4: answer with 13)
  bad_protocol,        // 400: §4.1: Sec-WebSocket-Protocol elements must be unique tokens
  bad_authorization,   // 400: an Authorization with the Bearer scheme whose credentials are not one b64token
                       //      (RFC 6750 §2.1; §3.1 invalid_request)
  unexpected_body,     // 400: Content-Length other than 0, or Transfer-Encoding: bytes after the header section
                       //      are WebSocket frames, never a request body
};

const char* upgrade_error_name(UpgradeError e) noexcept;
// The rule, in words, naming the RFC section. No request bytes in it: it may go into a response body.
const char* upgrade_error_message(UpgradeError e) noexcept;
// The HTTP status to answer with (see the list above); 0 for none.
int upgrade_error_status(UpgradeError e) noexcept;

// A checked upgrade request. Header names keep the client's spelling; values are trimmed of surrounding spaces.
struct UpgradeRequest {
  std::string target;                        // the request target as sent: path and optional "?query"
  std::string host;                          // the Host header
  std::string key;                           // Sec-WebSocket-Key (base64 of 16 bytes)
  std::vector<std::string> protocols;        // Sec-WebSocket-Protocol offers, in the client's order (maybe none)
  std::optional<std::string> origin;         // Origin (§4.2.1 rule 7, §10.2): the server decides whether to accept it
  std::optional<std::string> authorization;  // the Authorization header, whatever its scheme
  std::optional<std::string> bearer_token;   // its credentials when the scheme is Bearer (case-insensitive)
  std::vector<std::pair<std::string, std::string>> headers;  // every header line, in order

  // The target's path ("/v1" of "/v1?address=db:5432"), undecoded.
  [[nodiscard]] std::string_view path() const noexcept;
  // The target's query after '?' ("address=db:5432"), undecoded; nullopt without '?'.
  [[nodiscard]] std::optional<std::string_view> query() const noexcept;
  // A header's value by case-insensitive name (the first one).
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
  // A query parameter by name, percent-decoded as application/x-www-form-urlencoded ('+' is a space, %XX a byte);
  // names are compared after decoding. `value` is nullopt when absent, "" for "?name" or "?name=". ErrorCode::protocol
  // (and `value` nullopt) when the name appears more than once (parameter pollution: which one counts would depend
  // on the reader), the value decodes to a NUL byte, or an escape is malformed (only in a hand-built request: the
  // parser refuses those targets). Messages name the parameter, never its value.
  Status query_param(std::string_view name, std::optional<std::string>& value) const;
};

class UpgradeRequestParser {
 public:
  explicit UpgradeRequestParser(std::size_t max_size = default_max_handshake_size) : max_size_(max_size) {}

  // Consumes bytes up to the end of the header section ("\r\n\r\n"); nothing past it is buffered. On done, `rest`
  // is the part of `chunk` after it: frames the client sent early (§4.1 says it must wait for the 101), for
  // ServerCodec::feed() or to refuse. After done or error, further calls return the same step and consume nothing.
  HandshakeStep feed(Bytes chunk, Bytes& rest);

  [[nodiscard]] const Status& error() const noexcept { return error_; }
  [[nodiscard]] UpgradeError upgrade_error() const noexcept { return upgrade_error_; }
  // The request, complete once feed() returned done.
  [[nodiscard]] const UpgradeRequest& request() const noexcept { return request_; }

 private:
  HandshakeStep fail(UpgradeError e, std::string_view detail = {});
  HandshakeStep check();

  std::size_t max_size_;
  std::string head_;    // the header section as received so far
  int crlf_state_ = 0;  // how much of "\r\n\r\n" the received bytes end with
  HandshakeStep step_ = HandshakeStep::need_more;
  Status error_;
  UpgradeError upgrade_error_ = UpgradeError::none;
  UpgradeRequest request_;
};

}  // namespace edgepg::ws
