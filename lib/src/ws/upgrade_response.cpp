// The server's answers to a WebSocket upgrade request (RFC 6455 §4.2.2, RFC 7231 §6 for the error statuses).
#include "edgepg/ws/upgrade_response.hpp"

#include <algorithm>

#include "edgepg/ws/handshake.hpp"
#include "http_syntax.hpp"
#include "util/base64.hpp"

namespace edgepg::ws {
namespace {

Status bad(const char* call, const char* why) { return {ErrorCode::invalid_argument, std::string(call) + ": " + why}; }

bool valid_key(std::string_view key) {
  const auto raw = util::base64_decode(key);
  return raw && raw->size() == 16;
}

}  // namespace

std::optional<std::string_view> select_protocol(const UpgradeRequest& request,
                                                std::span<const std::string_view> allowed) noexcept {
  for (const std::string_view a : allowed) {
    if (std::find(request.protocols.begin(), request.protocols.end(), a) != request.protocols.end()) return a;
  }
  return std::nullopt;
}

Status build_accept_response(std::string_view key, std::optional<std::string_view> protocol, std::string& out) {
  constexpr const char* call = "build_accept_response()";
  if (!valid_key(key)) return bad(call, "the Sec-WebSocket-Key is not base64 of 16 bytes (RFC 6455 §4.2.1 rule 5)");
  if (protocol && !http::is_token(*protocol)) return bad(call, "the subprotocol is not an RFC 7230 token");
  // §4.2.2 step 5: the status line, Upgrade, Connection, Sec-WebSocket-Accept, the chosen subprotocol.
  std::string r = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  r.append("Sec-WebSocket-Accept: ").append(websocket_accept(key)).append("\r\n");
  if (protocol) r.append("Sec-WebSocket-Protocol: ").append(*protocol).append("\r\n");
  r.append("\r\n");
  out.append(r);
  return {};
}

Status build_accept_response(const UpgradeRequest& request, std::span<const std::string_view> allowed_protocols,
                             std::string& out) {
  return build_accept_response(request.key, select_protocol(request, allowed_protocols), out);
}

const char* http_reason_phrase(int status) noexcept {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 426:
      return "Upgrade Required";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return nullptr;
  }
}

Status build_error_response(const HttpErrorResponse& response, std::string& out) {
  constexpr const char* call = "build_error_response()";
  const char* reason = http_reason_phrase(response.status);
  if (reason == nullptr) return bad(call, "the status must be one of 400, 401, 403, 404, 405, 426, 431, 503");
  if (response.body.size() > max_error_body) return bad(call, "the body exceeds max_error_body bytes");
  const std::string_view text = response.body.empty() ? std::string_view(reason) : response.body;
  if (!valid_utf8(Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()))) {
    return bad(call, "the body is not UTF-8");
  }
  if (response.status == 401) {
    // RFC 7235 §3.1: a 401 response MUST send a WWW-Authenticate header field.
    if (response.www_authenticate.empty()) return bad(call, "a 401 response needs a WWW-Authenticate value");
    if (!http::is_field_value(response.www_authenticate) ||
        http::trim_ows(response.www_authenticate) != response.www_authenticate) {
      return bad(call, "the WWW-Authenticate value holds a control byte or surrounding spaces");
    }
  } else if (!response.www_authenticate.empty()) {
    return bad(call, "WWW-Authenticate belongs to 401 responses only");
  }
  if (response.retry_after && response.status != 503) return bad(call, "Retry-After belongs to 503 responses only");

  std::string r = "HTTP/1.1 " + std::to_string(response.status) + " " + reason + "\r\n";
  r.append("Content-Type: text/plain; charset=utf-8\r\n");
  r.append("Content-Length: ").append(std::to_string(text.size() + 1)).append("\r\n");
  if (response.status == 401) r.append("WWW-Authenticate: ").append(response.www_authenticate).append("\r\n");
  if (response.status == 405) r.append("Allow: GET\r\n");  // RFC 7231 §6.5.5: MUST list the allowed methods
  if (response.status == 426) {
    // RFC 7231 §6.5.15: MUST send Upgrade; RFC 6455 §4.4: the versions the server understands; RFC 7230 §6.7: a
    // sender of Upgrade also sends the "upgrade" connection option.
    r.append("Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nConnection: Upgrade, close\r\n");
  } else {
    r.append("Connection: close\r\n");
  }
  if (response.retry_after) r.append("Retry-After: ").append(std::to_string(*response.retry_after)).append("\r\n");
  r.append("\r\n").append(text).append("\n");
  out.append(r);
  return {};
}

Status build_error_response(UpgradeError e, std::string& out) {
  if (e == UpgradeError::none) return bad("build_error_response()", "UpgradeError::none is not an error");
  return build_error_response(HttpErrorResponse{upgrade_error_status(e), upgrade_error_message(e), {}, {}}, out);
}

}  // namespace edgepg::ws
