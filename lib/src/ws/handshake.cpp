#include "edgepg/ws/handshake.hpp"

#include <algorithm>

#include "crypto/sha1.hpp"
#include "http_syntax.hpp"
#include "util/base64.hpp"

namespace edgepg::ws {
namespace {

using http::iequals;
using http::is_field_value;
using http::is_token;
using http::trim_ows;

// Request-target and Host: visible characters only (a space would end the request line).
bool is_visible(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7F;
  });
}

Status bad_request(std::string what) {
  return {ErrorCode::invalid_argument, "WebSocket handshake request: " + std::move(what)};
}

}  // namespace

std::string websocket_key(std::span<const std::uint8_t, 16> nonce) { return util::base64_encode(nonce); }

std::string websocket_accept(std::string_view key) {
  std::string text;
  text.reserve(key.size() + accept_guid.size());
  text.append(key).append(accept_guid);
  const auto digest = crypto::sha1(crypto::bytes_of(text));
  return util::base64_encode(digest);
}

Status build_handshake_request(const HandshakeRequest& request, std::string_view key, std::string& out) {
  if (request.host.empty() || !is_visible(request.host)) {
    return bad_request("the host must be non-empty, without spaces or control characters");
  }
  if (request.target.empty() || request.target.front() != '/' || !is_visible(request.target)) {
    return bad_request("the target must start with '/' and hold no spaces or control characters (percent-encode them)");
  }
  if (key.empty() || !is_visible(key)) return bad_request("the Sec-WebSocket-Key is empty or malformed");
  for (const auto& p : request.protocols) {
    // §4.1: each subprotocol is a token.
    if (!is_token(p)) return bad_request("subprotocol \"" + p + "\" is not an RFC 7230 token");
  }
  static constexpr std::string_view reserved[] = {"host",
                                                  "upgrade",
                                                  "connection",
                                                  "sec-websocket-key",
                                                  "sec-websocket-version",
                                                  "sec-websocket-protocol",
                                                  "sec-websocket-extensions",
                                                  "sec-websocket-accept"};
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name)) return bad_request("header name \"" + name + "\" is not an RFC 7230 token");
    if (!is_field_value(value)) return bad_request("the value of header " + name + " holds CR, LF or a control byte");
    for (auto r : reserved) {
      if (iequals(name, r)) return bad_request("header " + name + " is set by the handshake itself");
    }
  }

  std::string req;
  req.reserve(256);
  req.append("GET ").append(request.target).append(" HTTP/1.1\r\n");
  req.append("Host: ").append(request.host).append("\r\n");
  req.append("Upgrade: websocket\r\n");
  req.append("Connection: Upgrade\r\n");
  req.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
  req.append("Sec-WebSocket-Version: 13\r\n");
  if (!request.protocols.empty()) {
    req.append("Sec-WebSocket-Protocol: ");
    for (std::size_t i = 0; i < request.protocols.size(); ++i) {
      if (i > 0) req.append(", ");
      req.append(request.protocols[i]);
    }
    req.append("\r\n");
  }
  for (const auto& [name, value] : request.headers) req.append(name).append(": ").append(value).append("\r\n");
  req.append("\r\n");
  out.append(req);
  return {};
}

HandshakeResponseParser::HandshakeResponseParser(std::string key, std::vector<std::string> offered_protocols,
                                                 std::size_t max_size)
    : key_(std::move(key)), offered_(std::move(offered_protocols)), max_size_(max_size) {}

HandshakeStep HandshakeResponseParser::fail(ErrorCode e, std::string detail) {
  std::string msg = ws_error_message(e);
  if (!detail.empty()) msg.append(": ").append(detail);
  error_ = Status(e, std::move(msg));
  step_ = HandshakeStep::error;
  return step_;
}

HandshakeStep HandshakeResponseParser::feed(Bytes chunk, Bytes& rest) {
  rest = {};
  if (step_ != HandshakeStep::need_more) return step_;
  // The end of the header section, across chunk boundaries, without buffering past it.
  const std::size_t i = http::scan_head_end(chunk, crlf_state_);
  if (head_.size() + i > max_size_) {
    return fail(ErrorCode::ws_handshake_too_large, "more than " + std::to_string(max_size_) + " bytes");
  }
  head_.append(reinterpret_cast<const char*>(chunk.data()), i);
  if (crlf_state_ != 4) return step_;
  rest = chunk.subspan(i);
  const HandshakeStep step = check();
  if (step != HandshakeStep::done) rest = {};
  return step;
}

HandshakeStep HandshakeResponseParser::check() {
  std::string_view text(head_);
  text.remove_suffix(2);  // the empty line; every remaining line ends in CRLF
  auto next_line = [&text]() {
    const auto end = text.find("\r\n");
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 2);
    return line;
  };

  // §4.1 rule 1: the status line, and a 101 status.
  const std::string_view status_line = next_line();
  constexpr std::string_view version = "HTTP/1.1 ";
  if (status_line.size() < version.size() + 3 || status_line.substr(0, version.size()) != version ||
      !std::all_of(status_line.begin() + 9, status_line.begin() + 12, [](char c) { return c >= '0' && c <= '9'; }) ||
      (status_line.size() > 12 && status_line[12] != ' ') || !is_field_value(status_line)) {
    return fail(ErrorCode::ws_bad_status_line, "got \"" + std::string(status_line.substr(0, 64)) + "\"");
  }
  status_code_ = (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0');
  if (status_code_ != 101) {
    return fail(ErrorCode::ws_bad_status, "got \"" + std::string(status_line.substr(9, 64)) + "\"");
  }

  while (!text.empty()) {
    const std::string_view line = next_line();
    // RFC 7230 §3.2.4: obs-fold is deprecated; a client may reject it.
    if (line.empty() || line.front() == ' ' || line.front() == '\t') {
      return fail(ErrorCode::ws_bad_header_line, "a continuation line (obs-fold)");
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return fail(ErrorCode::ws_bad_header_line, "\"" + std::string(line.substr(0, 64)) + "\"");
    }
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (!is_field_value(value))
      return fail(ErrorCode::ws_bad_header_line, "a control byte in " + std::string(line.substr(0, colon)));
    headers_.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }

  // The value of a header that must appear at most once; duplicate_header when it repeats.
  auto single = [this](std::string_view name, std::optional<std::string_view>& value) {
    value.reset();
    for (const auto& [n, hv] : headers_) {
      if (!iequals(n, name)) continue;
      if (value) return false;
      value = hv;
    }
    return true;
  };
  std::optional<std::string_view> v;

  // §4.1 rule 2: Upgrade is "websocket", case-insensitively.
  if (!single("Upgrade", v)) return fail(ErrorCode::ws_duplicate_header, "Upgrade");
  if (!v || !iequals(*v, "websocket")) return fail(ErrorCode::ws_missing_upgrade, {});

  // §4.1 rule 3: Connection holds the "Upgrade" token (it may list others; it may be split over several headers).
  bool connection_upgrade = false;
  for (const auto& [n, value] : headers_) {
    if (!iequals(n, "Connection")) continue;
    (void)http::for_each_element(value, [&connection_upgrade](std::string_view token) {
      if (iequals(token, "Upgrade")) connection_upgrade = true;
      return true;
    });
  }
  if (!connection_upgrade) return fail(ErrorCode::ws_missing_connection, {});

  // §4.1 rule 4: Sec-WebSocket-Accept proves the server read our key.
  if (!single("Sec-WebSocket-Accept", v)) return fail(ErrorCode::ws_duplicate_header, "Sec-WebSocket-Accept");
  if (!v) return fail(ErrorCode::ws_bad_accept, "the header is missing");
  if (const auto expected = websocket_accept(key_); *v != expected) {
    return fail(ErrorCode::ws_bad_accept,
                "got \"" + std::string(v->substr(0, 64)) + "\", expected \"" + expected + "\"");
  }

  // §4.1 rule 5: we offer no extensions, so the server must choose none.
  for (const auto& [n, value] : headers_) {
    if (iequals(n, "Sec-WebSocket-Extensions") && !value.empty()) {
      return fail(ErrorCode::ws_unrequested_extension, "\"" + value.substr(0, 64) + "\"");
    }
  }

  // §4.1 rule 6: a chosen subprotocol must be one we offered. Choosing none is allowed.
  if (!single("Sec-WebSocket-Protocol", v)) return fail(ErrorCode::ws_duplicate_header, "Sec-WebSocket-Protocol");
  if (v) {
    if (std::find(offered_.begin(), offered_.end(), *v) == offered_.end()) {
      return fail(ErrorCode::ws_unrequested_protocol, "\"" + std::string(v->substr(0, 64)) + "\"");
    }
    protocol_ = std::string(*v);
  }

  step_ = HandshakeStep::done;
  return step_;
}

std::optional<std::string_view> HandshakeResponseParser::header(std::string_view name) const {
  for (const auto& [n, v] : headers_) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace edgepg::ws
