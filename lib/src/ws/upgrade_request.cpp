// The client's opening handshake as a server checks it (RFC 6455 §4.2.1), over HTTP/1.1 message syntax (RFC 7230).
#include "edgepg/ws/upgrade_request.hpp"

#include <algorithm>

#include "http_syntax.hpp"
#include "util/base64.hpp"

namespace edgepg::ws {
namespace {

using http::iequals;

// RFC 3986 §3.3/§3.4 characters of an origin-form target besides ALPHA/DIGIT, '%' (checked apart) and '?'.
constexpr std::string_view target_chars = "-._~!$&'()*+,;=:@/";
// RFC 3986 §3.2.2 uri-host (reg-name, IP-literal, IPv4) and §3.2.3 port, besides ALPHA/DIGIT.
constexpr std::string_view host_chars = "-._~!$&'()*+,;=:[]%";

// RFC 7230 §5.3.1 origin-form: absolute-path [ "?" query ], every '%' starting a %XX escape; no fragment.
bool valid_origin_form(std::string_view t) noexcept {
  if (t.empty() || t.front() != '/') return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '%') {
      if (t.size() - i < 3 || !http::is_hex(t[i + 1]) || !http::is_hex(t[i + 2])) return false;
      i += 2;
    } else if (c != '?' && !http::is_alnum(c) && target_chars.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool valid_host(std::string_view h) noexcept {
  return !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
    return http::is_alnum(c) || host_chars.find(c) != std::string_view::npos;
  });
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size() && (http::is_alnum(s[i]) || std::string_view("-._~+/").find(s[i]) != std::string_view::npos)) ++i;
  if (i == 0) return false;
  while (i < s.size() && s[i] == '=') ++i;
  return i == s.size();
}

// application/x-www-form-urlencoded decoding of one name or value: '+' is a space, %XX a byte. false at a '%' not
// followed by two hex digits.
bool form_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (in.size() - i < 3 || !http::is_hex(in[i + 1]) || !http::is_hex(in[i + 2])) return false;
      out.push_back(static_cast<char>(http::hex_value(in[i + 1]) * 16 + http::hex_value(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

// A header name for an error message, only when it is a token (it then holds no control bytes), at most 64 bytes.
std::string quoted_name(std::string_view name) {
  if (!http::is_token(name)) return {};
  return "\"" + std::string(name.substr(0, 64)) + "\"";
}

}  // namespace

const char* upgrade_error_name(UpgradeError e) noexcept {
  switch (e) {
    case UpgradeError::none:
      return "none";
    case UpgradeError::request_too_large:
      return "request_too_large";
    case UpgradeError::bad_request_line:
      return "bad_request_line";
    case UpgradeError::method_not_get:
      return "method_not_get";
    case UpgradeError::bad_http_version:
      return "bad_http_version";
    case UpgradeError::bad_target:
      return "bad_target";
    case UpgradeError::bad_header_line:
      return "bad_header_line";
    case UpgradeError::duplicate_header:
      return "duplicate_header";
    case UpgradeError::missing_host:
      return "missing_host";
    case UpgradeError::missing_upgrade:
      return "missing_upgrade";
    case UpgradeError::missing_connection:
      return "missing_connection";
    case UpgradeError::bad_key:
      return "bad_key";
    case UpgradeError::bad_version:
      return "bad_version";
    case UpgradeError::bad_protocol:
      return "bad_protocol";
    case UpgradeError::bad_authorization:
      return "bad_authorization";
    case UpgradeError::unexpected_body:
      return "unexpected_body";
  }
  return "unknown";
}

const char* upgrade_error_message(UpgradeError e) noexcept {
  switch (e) {
    case UpgradeError::none:
      return "no error";
    case UpgradeError::request_too_large:
      return "the WebSocket upgrade request's header section is too large";
    case UpgradeError::bad_request_line:
      return "the request line is not \"method SP request-target SP HTTP-version\" (RFC 7230 §3.1.1)";
    case UpgradeError::method_not_get:
      return "a WebSocket upgrade request must use GET (RFC 6455 §4.2.1 rule 1)";
    case UpgradeError::bad_http_version:
      return "a WebSocket upgrade request must be HTTP/1.1 or higher (RFC 6455 §4.2.1 rule 1)";
    case UpgradeError::bad_target:
      return "the request target must be a path with an optional query, in RFC 3986 characters (RFC 6455 §3, "
             "§4.2.1 rule 1)";
    case UpgradeError::bad_header_line:
      return "a header line is malformed: no colon, a name that is not a token, space before the colon, a "
             "continuation line or a control byte (RFC 7230 §3.2, §3.2.4)";
    case UpgradeError::duplicate_header:
      return "a header that must appear once appears more than once (RFC 7230 §5.4, RFC 6455 §11.3)";
    case UpgradeError::missing_host:
      return "the Host header is missing or malformed (RFC 6455 §4.2.1 rule 2, RFC 7230 §5.4)";
    case UpgradeError::missing_upgrade:
      return "the request lacks an Upgrade header with the \"websocket\" token (RFC 6455 §4.2.1 rule 3)";
    case UpgradeError::missing_connection:
      return "the request lacks a Connection header with the \"Upgrade\" token (RFC 6455 §4.2.1 rule 4)";
    case UpgradeError::bad_key:
      return "Sec-WebSocket-Key is missing or not the base64 of 16 bytes (RFC 6455 §4.2.1 rule 5)";
    case UpgradeError::bad_version:
      return "Sec-WebSocket-Version is missing or not 13, the only version supported (RFC 6455 §4.2.1 rule 6, §4.4)";
    case UpgradeError::bad_protocol:
      return "Sec-WebSocket-Protocol must list unique tokens (RFC 6455 §4.1)";
    case UpgradeError::bad_authorization:
      return "the Authorization header's Bearer credentials are not one b64token (RFC 6750 §2.1)";
    case UpgradeError::unexpected_body:
      return "a WebSocket upgrade request has no body: Content-Length must be 0 and Transfer-Encoding absent";
  }
  return "unknown WebSocket upgrade error";
}

int upgrade_error_status(UpgradeError e) noexcept {
  switch (e) {
    case UpgradeError::none:
      return 0;
    case UpgradeError::request_too_large:
      return 431;  // RFC 6585 §5
    case UpgradeError::method_not_get:
      return 405;                        // RFC 7231 §6.5.5
    case UpgradeError::missing_upgrade:  // RFC 7231 §6.5.15
    case UpgradeError::bad_version:
      return 426;  // RFC 6455 §4.4
    default:
      return 400;  // RFC 6455 §4.2.1: "such as 400 Bad Request"
  }
}

std::string_view UpgradeRequest::path() const noexcept { return std::string_view(target).substr(0, target.find('?')); }

std::optional<std::string_view> UpgradeRequest::query() const noexcept {
  const auto q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  return std::string_view(target).substr(q + 1);
}

std::optional<std::string_view> UpgradeRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

Status UpgradeRequest::query_param(std::string_view name, std::optional<std::string>& value) const {
  value.reset();
  const auto q = query();
  if (!q) return {};
  std::optional<std::string> found;
  std::string decoded_name;
  std::string_view rest = *q;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (!form_decode(pair.substr(0, eq), decoded_name)) {
      return {ErrorCode::protocol, "the request's query holds a malformed percent-escape (RFC 3986 §2.1)"};
    }
    if (decoded_name != name) continue;
    const std::string who = "query parameter \"" + std::string(name.substr(0, 64)) + "\"";
    if (found) return {ErrorCode::protocol, "the " + who + " appears more than once"};
    std::string v;
    if (!form_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), v)) {
      return {ErrorCode::protocol, "the " + who + " holds a malformed percent-escape (RFC 3986 §2.1)"};
    }
    if (v.find('\0') != std::string::npos) return {ErrorCode::protocol, "the " + who + " decodes to a NUL byte"};
    found = std::move(v);
  }
  value = std::move(found);
  return {};
}

HandshakeStep UpgradeRequestParser::fail(UpgradeError e, std::string_view detail) {
  std::string msg = upgrade_error_message(e);
  if (!detail.empty()) msg.append(": ").append(detail);
  error_ =
      Status(e == UpgradeError::request_too_large ? ErrorCode::message_too_large : ErrorCode::protocol, std::move(msg));
  upgrade_error_ = e;
  step_ = HandshakeStep::error;
  return step_;
}

HandshakeStep UpgradeRequestParser::feed(Bytes chunk, Bytes& rest) {
  rest = {};
  if (step_ != HandshakeStep::need_more) return step_;
  // The end of the header section, across chunk boundaries, without buffering past it.
  const std::size_t i = http::scan_head_end(chunk, crlf_state_);
  if (head_.size() + i > max_size_) {
    return fail(UpgradeError::request_too_large, "more than " + std::to_string(max_size_) + " bytes");
  }
  head_.append(reinterpret_cast<const char*>(chunk.data()), i);
  if (crlf_state_ != 4) return step_;
  const HandshakeStep step = check();
  if (step == HandshakeStep::done) rest = chunk.subspan(i);
  // The header section is parsed into request_: its raw copy is no longer needed.
  std::string().swap(head_);
  return step;
}

HandshakeStep UpgradeRequestParser::check() {
  std::string_view text(head_);
  text.remove_suffix(2);  // the empty line; every remaining line ends in CRLF
  auto next_line = [&text]() {
    const auto end = text.find("\r\n");
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 2);
    return line;
  };
  UpgradeRequest& r = request_;

  // RFC 7230 §3.1.1: request-line = method SP request-target SP HTTP-version CRLF, single spaces.
  const std::string_view line = next_line();
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return fail(UpgradeError::bad_request_line);
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  // RFC 7230 §2.6: HTTP-version = "HTTP/" DIGIT "." DIGIT
  const bool version_syntax = version.size() == 8 && version.substr(0, 5) == "HTTP/" && version[5] >= '0' &&
                              version[5] <= '9' && version[6] == '.' && version[7] >= '0' && version[7] <= '9';
  if (!http::is_token(method) || target.empty() || !version_syntax) return fail(UpgradeError::bad_request_line);
  // §4.2.1 rule 1: "An HTTP/1.1 or higher GET request" (methods are case-sensitive, RFC 7231 §4.1).
  if (method != "GET") return fail(UpgradeError::method_not_get, "got " + std::string(method.substr(0, 32)));
  if (version[5] != '1' || version[7] < '1') return fail(UpgradeError::bad_http_version);
  if (!valid_origin_form(target)) return fail(UpgradeError::bad_target);
  r.target = std::string(target);

  while (!text.empty()) {
    const std::string_view h = next_line();
    // RFC 7230 §3.2.4: obs-fold (and whitespace before the first header) must be rejected with 400.
    if (h.empty() || h.front() == ' ' || h.front() == '\t') {
      return fail(UpgradeError::bad_header_line, "a continuation line (obs-fold)");
    }
    const auto colon = h.find(':');
    // RFC 7230 §3.2.4: no whitespace between the field name and the colon; a server must reject it with 400.
    if (colon == std::string_view::npos || !http::is_token(h.substr(0, colon))) {
      return fail(UpgradeError::bad_header_line, quoted_name(h.substr(0, h.find_first_of(" \t:"))));
    }
    const std::string_view name = h.substr(0, colon);
    const std::string_view value = http::trim_ows(h.substr(colon + 1));
    if (!http::is_field_value(value)) {
      return fail(UpgradeError::bad_header_line, "a control byte in the value of " + quoted_name(name));
    }
    r.headers.emplace_back(std::string(name), std::string(value));
  }

  // Headers that must appear at most once: RFC 7230 §5.4 (Host), RFC 6455 §11.3.1 (Sec-WebSocket-Key), §11.3.5
  // (Sec-WebSocket-Version); Origin, Authorization and Content-Length are single values (RFC 7230 §3.2.2).
  for (const std::string_view single :
       {"Host", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Origin", "Authorization", "Content-Length"}) {
    const auto count = std::count_if(r.headers.begin(), r.headers.end(),
                                     [single](const auto& hv) { return iequals(hv.first, single); });
    if (count > 1) return fail(UpgradeError::duplicate_header, quoted_name(single));
  }

  // §4.2.1 rule 2: a Host header field containing the server's authority.
  const auto host = r.header("Host");
  if (!host || !valid_host(*host)) return fail(UpgradeError::missing_host);
  r.host = std::string(*host);

  // §4.2.1 rule 3: an Upgrade header field containing "websocket", an ASCII case-insensitive value. It is a list
  // (RFC 7230 §6.7) and may be split over several lines.
  bool upgrade = false;
  bool connection = false;
  for (const auto& [n, v] : r.headers) {
    if (iequals(n, "Upgrade")) {
      http::for_each_element(v, [&upgrade](std::string_view e) {
        if (iequals(e, "websocket")) upgrade = true;
        return true;
      });
    } else if (iequals(n, "Connection")) {
      http::for_each_element(v, [&connection](std::string_view e) {
        if (iequals(e, "Upgrade")) connection = true;
        return true;
      });
    }
  }
  if (!upgrade) return fail(UpgradeError::missing_upgrade);
  // §4.2.1 rule 4: a Connection header field that includes the token "Upgrade", case-insensitively.
  if (!connection) return fail(UpgradeError::missing_connection);

  // §4.2.1 rule 5: a Sec-WebSocket-Key whose value, base64-decoded, is 16 bytes long.
  const auto key = r.header("Sec-WebSocket-Key");
  if (!key) return fail(UpgradeError::bad_key, "the header is missing");
  if (const auto raw = util::base64_decode(*key); !raw || raw->size() != 16) return fail(UpgradeError::bad_key);
  r.key = std::string(*key);

  // §4.2.1 rule 6: Sec-WebSocket-Version 13.
  if (const auto v = r.header("Sec-WebSocket-Version"); !v || *v != "13") return fail(UpgradeError::bad_version);

  // §4.1 / §11.3.4: Sec-WebSocket-Protocol lists subprotocols, each a token, all unique; it may be split over lines.
  bool protocols_ok = true;
  for (const auto& [n, v] : r.headers) {
    if (!iequals(n, "Sec-WebSocket-Protocol")) continue;
    protocols_ok = http::for_each_element(v, [&r](std::string_view e) {
      if (!http::is_token(e)) return false;
      r.protocols.emplace_back(e);
      return true;
    });
    if (!protocols_ok) break;
  }
  if (protocols_ok) {
    std::vector<std::string_view> sorted(r.protocols.begin(), r.protocols.end());
    std::sort(sorted.begin(), sorted.end());
    protocols_ok = std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
  }
  if (!protocols_ok) return fail(UpgradeError::bad_protocol);

  // §4.2.1 rule 7: Origin, optional; whether to accept it is the server's decision (§10.2).
  if (const auto origin = r.header("Origin")) r.origin = std::string(*origin);

  // RFC 7235 §2.1: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ], the scheme case-insensitive;
  // RFC 6750 §2.1: Bearer credentials are one b64token.
  if (const auto auth = r.header("Authorization")) {
    r.authorization = std::string(*auth);
    const auto sp = auth->find(' ');
    if (iequals(auth->substr(0, sp), "Bearer")) {
      std::string_view token = sp == std::string_view::npos ? std::string_view{} : auth->substr(sp + 1);
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      if (!is_b64token(token)) return fail(UpgradeError::bad_authorization);
      r.bearer_token = std::string(token);
    }
  }

  // Bytes after the header section are frames: a request body would be taken for them.
  if (const auto len = r.header("Content-Length");
      len && (len->empty() || !std::all_of(len->begin(), len->end(), [](char c) { return c == '0'; }))) {
    return fail(UpgradeError::unexpected_body, "Content-Length");
  }
  if (r.header("Transfer-Encoding")) return fail(UpgradeError::unexpected_body, "Transfer-Encoding");

  step_ = HandshakeStep::done;
  return step_;
}

}  // namespace edgepg::ws
