// The RFC 6455 server role (ws/server_codec.hpp): the upgrade request parser, the 101 and error responses, and the
// server-side frame codec; with RFC 6455's own examples (§1.3, §5.7), a split at every offset, and round trips
// against the client side (handshake.hpp, client_codec.hpp).
#include <doctest/doctest.h>

#include <array>
#include <initializer_list>
#include <string>
#include <vector>

#include "edgepg/ws/client_codec.hpp"
#include "edgepg/ws/server_codec.hpp"

using namespace edgepg;
using namespace edgepg::ws;

namespace {

using Vec = std::vector<std::uint8_t>;

Bytes bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
Bytes bytes(const Vec& v) { return {v.data(), v.size()}; }
std::string str(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
Vec cat(std::initializer_list<Vec> parts) {
  Vec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// RFC 6455 §1.3's opening handshake.
const std::string kRfcRequest =
    "GET /chat HTTP/1.1\r\n"
    "Host: server.example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Origin: http://example.com\r\n"
    "Sec-WebSocket-Protocol: chat, superchat\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

// The request a gateway client sends: the edgepg tunnel's path and address parameter, a bearer token.
std::string gateway_request(const std::string& extra_headers = "",
                            const std::string& target = "/v1?address=db%3A5432") {
  return "GET " + target +
         " HTTP/1.1\r\n"
         "Host: gw.example.com:8443\r\n"
         "Upgrade: websocket\r\n"
         "Connection: keep-alive, Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         "Sec-WebSocket-Version: 13\r\n" +
         extra_headers + "\r\n";
}

struct Parsed {
  HandshakeStep step = HandshakeStep::need_more;
  UpgradeError error = UpgradeError::none;
  Status status;
  UpgradeRequest request;
  std::string rest;
};

Parsed parse(std::string_view text, std::size_t max = default_max_handshake_size) {
  UpgradeRequestParser p(max);
  Bytes rest;
  Parsed r;
  r.step = p.feed(bytes(text), rest);
  r.error = p.upgrade_error();
  r.status = p.error();
  r.request = p.request();
  r.rest = str(rest);
  return r;
}

UpgradeError error_of(const std::string& text) {
  const Parsed r = parse(text);
  if (r.step == HandshakeStep::error) {
    CHECK_FALSE(r.status.ok());
    CHECK(r.status.message().find(upgrade_error_message(r.error)) == 0);
  }
  return r.error;
}

// Replaces the first occurrence of `from` in the gateway request.
std::string edited(const std::string& from, const std::string& to, std::string base = gateway_request()) {
  const auto at = base.find(from);
  REQUIRE(at != std::string::npos);
  return base.replace(at, from.size(), to);
}

// A client (masked) frame with any first byte.
Vec client_frame(std::uint8_t b0, std::string_view payload, MaskKey key = {0x37, 0xfa, 0x21, 0x3d}) {
  Vec out;
  encode_frame(out, static_cast<Opcode>(b0 & 0x0F), (b0 & 0x80) != 0, bytes(payload), key);
  out[0] = b0;  // any RSV bits and opcode, as given
  return out;
}

std::string close_body(std::uint16_t code, const std::string& reason = "") {
  return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)} + reason;
}

const char* name(ServerEventType t) {
  switch (t) {
    case ServerEventType::binary:
      return "binary";
    case ServerEventType::text:
      return "text";
    case ServerEventType::ping:
      return "ping";
    case ServerEventType::pong:
      return "pong";
    case ServerEventType::close:
      return "close";
  }
  return "?";
}

// Drains every event as "type:payload"; the final step is appended as "=need_more" / "=closed" / "=error:<rule>".
std::vector<std::string> drain(ServerCodec& c) {
  std::vector<std::string> out;
  ServerEvent ev;
  ServerStep step;
  while ((step = c.next(ev)) == ServerStep::event) out.push_back(std::string(name(ev.type)) + ":" + str(ev.payload));
  if (step == ServerStep::need_more) out.push_back("=need_more");
  if (step == ServerStep::closed) out.push_back("=closed");
  if (step == ServerStep::error) out.push_back(std::string("=error:") + ws_error_name(c.error().code()));
  return out;
}

struct Run {
  std::vector<std::string> events;  // need_more markers dropped, so chunkings compare equal
  Vec output;
  ServerState state = ServerState::open;
};

Run run(const Vec& stream, const std::vector<std::size_t>& cuts, ServerOptions o = {}) {
  ServerCodec c(o);
  Run r;
  std::size_t at = 0;
  auto step = [&](std::size_t end) {
    (void)c.feed(Bytes(stream.data() + at, end - at));
    at = end;
    for (auto& e : drain(c)) {
      if (e == "=need_more") continue;
      if (!r.events.empty() && r.events.back() == e && e[0] == '=') continue;
      r.events.push_back(e);
    }
    r.output.insert(r.output.end(), c.data().begin(), c.data().end());
    c.clear();
  };
  for (auto cut : cuts) step(cut);
  step(stream.size());
  r.state = c.state();
  return r;
}

ServerOptions text_allowed(std::size_t max = default_server_max_message_size) {
  ServerOptions o;
  o.refuse_text = false;
  o.max_message_size = max;
  return o;
}

}  // namespace

// ---- the upgrade request ----

TEST_CASE("ws server: RFC 6455 §1.3's handshake, request to 101") {
  const Parsed r = parse(kRfcRequest);
  REQUIRE(r.step == HandshakeStep::done);
  CHECK(r.rest.empty());
  const UpgradeRequest& q = r.request;
  CHECK(q.target == "/chat");
  CHECK(q.path() == "/chat");
  CHECK_FALSE(q.query());
  CHECK(q.host == "server.example.com");
  CHECK(q.key == "dGhlIHNhbXBsZSBub25jZQ==");
  CHECK(q.origin == "http://example.com");
  CHECK(q.protocols == std::vector<std::string>{"chat", "superchat"});
  CHECK_FALSE(q.authorization);
  CHECK(q.header("sec-websocket-version") == "13");
  CHECK(q.headers.size() == 7);

  // §1.3: the accept value for this key is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=; "chat" is selected.
  std::string out;
  static constexpr std::array<std::string_view, 1> allowed{"chat"};
  REQUIRE(build_accept_response(q, allowed, out));
  CHECK(out ==
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
        "Sec-WebSocket-Protocol: chat\r\n"
        "\r\n");
}

TEST_CASE("ws server: a subprotocol is echoed only when asked for and allowed, in the server's preference") {
  const UpgradeRequest q = parse(kRfcRequest).request;
  static constexpr std::array<std::string_view, 2> prefer_super{"superchat", "chat"};
  static constexpr std::array<std::string_view, 1> other{"binary"};
  CHECK(select_protocol(q, prefer_super) == "superchat");
  CHECK_FALSE(select_protocol(q, other));
  CHECK_FALSE(select_protocol(q, {}));
  std::string out;
  REQUIRE(build_accept_response(q, other, out));
  CHECK(out.find("Sec-WebSocket-Protocol") == std::string::npos);
  // Offered by nobody: never echoed.
  const UpgradeRequest none = parse(gateway_request()).request;
  CHECK(none.protocols.empty());
  CHECK_FALSE(select_protocol(none, other));

  // The low-level builder checks its arguments.
  out.clear();
  CHECK(build_accept_response("dGhlIHNhbXBsZSBub25jZQ==", std::nullopt, out));
  CHECK(out.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") != std::string::npos);
  out.clear();
  CHECK(build_accept_response("short", std::nullopt, out).code() == ErrorCode::invalid_argument);
  CHECK(build_accept_response("dGhlIHNhbXBsZSBub25jZQ==", "a b", out).code() == ErrorCode::invalid_argument);
  CHECK(build_accept_response("dGhlIHNhbXBsZSBub25jZQ==", "x\r\nSet-Cookie: a", out).code() ==
        ErrorCode::invalid_argument);
  CHECK(out.empty());
}

TEST_CASE("ws server: the same request for a split at every offset; bytes after the head are the caller's") {
  const std::string frames = str(bytes(client_frame(0x82, "early")));
  const std::string in = kRfcRequest + frames;
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    CAPTURE(cut);
    UpgradeRequestParser p;
    std::string after;  // what the parser did not consume once done
    HandshakeStep last = HandshakeStep::need_more;
    for (const std::string_view part : {std::string_view(in).substr(0, cut), std::string_view(in).substr(cut)}) {
      Bytes rest;
      if (last == HandshakeStep::done) {
        CHECK(p.feed(bytes(part), rest) == HandshakeStep::done);  // consumes nothing more
        CHECK(rest.empty());
        after += part;
        continue;
      }
      last = p.feed(bytes(part), rest);
      after += str(rest);
    }
    REQUIRE(last == HandshakeStep::done);
    CHECK(after == frames);
    CHECK(p.request().protocols == std::vector<std::string>{"chat", "superchat"});
    CHECK(p.request().key == "dGhlIHNhbXBsZSBub25jZQ==");
  }
}

TEST_CASE("ws server: query parameters, percent-decoded") {
  const UpgradeRequest q = parse(gateway_request("", "/v1?address=db%3A5432&app=a+b%2Bc&flag&empty=&x=%C3%A9")).request;
  CHECK(q.path() == "/v1");
  CHECK(q.query() == "address=db%3A5432&app=a+b%2Bc&flag&empty=&x=%C3%A9");
  std::optional<std::string> v;
  REQUIRE(q.query_param("address", v));
  CHECK(v == "db:5432");
  REQUIRE(q.query_param("app", v));
  CHECK(v == "a b+c");
  REQUIRE(q.query_param("flag", v));
  CHECK(v == "");
  REQUIRE(q.query_param("empty", v));
  CHECK(v == "");
  REQUIRE(q.query_param("x", v));
  CHECK(v == "é");
  REQUIRE(q.query_param("missing", v));
  CHECK_FALSE(v);

  // Parameter pollution: a name twice, also when spelt differently, is an error, not a pick.
  const UpgradeRequest dup = parse(gateway_request("", "/v1?address=a&addr%65ss=b")).request;
  Status s = dup.query_param("address", v);
  CHECK(s.code() == ErrorCode::protocol);
  CHECK(s.message().find("more than once") != std::string::npos);
  CHECK_FALSE(v);
  CHECK(dup.query_param("other", v));
  // A NUL byte is refused.
  const UpgradeRequest nul = parse(gateway_request("", "/v1?address=db%00evil")).request;
  CHECK(nul.query_param("address", v).code() == ErrorCode::protocol);
  CHECK(nul.query_param("other", v));
  // No query at all.
  const UpgradeRequest plain = parse(gateway_request("", "/")).request;
  REQUIRE(plain.query_param("address", v));
  CHECK_FALSE(v);
  // A request built by hand with a malformed escape.
  UpgradeRequest hand;
  hand.target = "/?a=%zz";
  CHECK(hand.query_param("a", v).code() == ErrorCode::protocol);
}

TEST_CASE("ws server: the Authorization header and its Bearer token") {
  Parsed r = parse(gateway_request("Authorization: Bearer eyJhbGci.eyJzdWIi.c2ln-_~+/==\r\n"));
  REQUIRE(r.step == HandshakeStep::done);
  CHECK(r.request.bearer_token == "eyJhbGci.eyJzdWIi.c2ln-_~+/==");
  r = parse(gateway_request("authorization: bEaReR   tok\r\n"));  // scheme case-insensitive, 1*SP
  REQUIRE(r.step == HandshakeStep::done);
  CHECK(r.request.bearer_token == "tok");
  r = parse(gateway_request("Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l\r\n"));
  REQUIRE(r.step == HandshakeStep::done);
  CHECK(r.request.authorization == "Basic YWxhZGRpbjpvcGVuc2VzYW1l");
  CHECK_FALSE(r.request.bearer_token);
  r = parse(gateway_request());
  CHECK_FALSE(r.request.authorization);
  CHECK_FALSE(r.request.bearer_token);

  for (const char* bad : {"Bearer", "Bearer ", "Bearer a b", "Bearer =abc", "Bearer a=b", "Bearer a,b"}) {
    CAPTURE(bad);
    r = parse(gateway_request(std::string("Authorization: ") + bad + "\r\n"));
    CHECK(r.error == UpgradeError::bad_authorization);
  }
  // The token never reaches the error message.
  r = parse(gateway_request("Authorization: Bearer s3cr3t-token x\r\n"));
  CHECK(r.error == UpgradeError::bad_authorization);
  CHECK(r.status.message().find("s3cr3t") == std::string::npos);
  CHECK(error_of(gateway_request("Authorization: Bearer a\r\nAuthorization: Bearer b\r\n")) ==
        UpgradeError::duplicate_header);
}

TEST_CASE("ws server: each §4.2.1 rule fails with its own error and status") {
  struct Case {
    std::string request;
    UpgradeError error;
    int status;
  };
  const std::string good = gateway_request();
  const std::vector<Case> cases = {
      {edited("GET ", "POST "), UpgradeError::method_not_get, 405},
      {edited("GET ", "get "), UpgradeError::method_not_get, 405},
      {edited("HTTP/1.1\r\nHost", "HTTP/1.0\r\nHost"), UpgradeError::bad_http_version, 400},
      {edited("HTTP/1.1\r\nHost", "HTTP/2.0\r\nHost"), UpgradeError::bad_http_version, 400},
      {edited("HTTP/1.1\r\nHost", "HTTP/1.1 \r\nHost"), UpgradeError::bad_request_line, 400},
      {edited("HTTP/1.1\r\nHost", "HTTP/11\r\nHost"), UpgradeError::bad_request_line, 400},
      {edited("GET ", "GET  "), UpgradeError::bad_request_line, 400},
      {edited("GET /v1", "GET"), UpgradeError::bad_request_line, 400},
      {edited("/v1?", "v1?"), UpgradeError::bad_target, 400},
      {edited("/v1?", "http://gw/v1?"), UpgradeError::bad_target, 400},
      {edited("/v1?", "/v1#x?"), UpgradeError::bad_target, 400},
      {edited("%3A5432", "%3"), UpgradeError::bad_target, 400},
      {edited("%3A", "%zz"), UpgradeError::bad_target, 400},
      {edited("%3A", "\"<>"), UpgradeError::bad_target, 400},
      {edited("Host:", "Host :"), UpgradeError::bad_header_line, 400},
      {edited("Upgrade: websocket\r\n", "Upgrade: websocket\r\n x\r\n"), UpgradeError::bad_header_line, 400},
      {edited("Upgrade: websocket\r\n", "Upgrade websocket\r\n"), UpgradeError::bad_header_line, 400},
      {edited("Upgrade: websocket\r\n", "Up(grade: websocket\r\n"), UpgradeError::bad_header_line, 400},
      {edited("Upgrade: websocket\r\n", "Upgrade: web\x01socket\r\n"), UpgradeError::bad_header_line, 400},
      {edited("Upgrade: websocket\r\n", "Upgrade: websocket\r\n: x\r\n"), UpgradeError::bad_header_line, 400},
      {edited("Upgrade: websocket\r\n", "Upgrade: websocket\r\nHOST: other\r\n"), UpgradeError::duplicate_header, 400},
      {edited("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13\r\n"),
       UpgradeError::duplicate_header, 400},
      {edited("Sec-WebSocket-Version: 13\r\n",
              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"),
       UpgradeError::duplicate_header, 400},
      {gateway_request("Origin: a\r\nOrigin: b\r\n"), UpgradeError::duplicate_header, 400},
      {edited("Host: gw.example.com:8443\r\n", ""), UpgradeError::missing_host, 400},
      {edited("Host: gw.example.com:8443", "Host:"), UpgradeError::missing_host, 400},
      {edited("Host: gw.example.com:8443", "Host: gw example"), UpgradeError::missing_host, 400},
      {edited("Host: gw.example.com:8443", "Host: gw/x"), UpgradeError::missing_host, 400},
      {edited("Upgrade: websocket\r\n", ""), UpgradeError::missing_upgrade, 426},
      {edited("Upgrade: websocket", "Upgrade: h2c"), UpgradeError::missing_upgrade, 426},
      {edited("Upgrade: websocket", "Upgrade: websocket/13"), UpgradeError::missing_upgrade, 426},
      {edited("Connection: keep-alive, Upgrade", "Connection: keep-alive"), UpgradeError::missing_connection, 400},
      {edited("Connection: keep-alive, Upgrade", "Connection: Upgraded"), UpgradeError::missing_connection, 400},
      {edited("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""), UpgradeError::bad_key, 400},
      {edited("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ"), UpgradeError::bad_key, 400},
      {edited("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j"), UpgradeError::bad_key, 400},  // 15 bytes
      {edited("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ==dGhl"), UpgradeError::bad_key, 400},
      {edited("Sec-WebSocket-Version: 13\r\n", ""), UpgradeError::bad_version, 426},
      {edited("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"), UpgradeError::bad_version, 426},
      {edited("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13, 8"), UpgradeError::bad_version, 426},
      {gateway_request("Sec-WebSocket-Protocol: chat, chat\r\n"), UpgradeError::bad_protocol, 400},
      {gateway_request("Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat\r\n"), UpgradeError::bad_protocol,
       400},
      {gateway_request("Sec-WebSocket-Protocol: chat, a/b\r\n"), UpgradeError::bad_protocol, 400},
      {gateway_request("Sec-WebSocket-Protocol: a b\r\n"), UpgradeError::bad_protocol, 400},
      {gateway_request("Content-Length: 5\r\n"), UpgradeError::unexpected_body, 400},
      {gateway_request("Content-Length:\r\n"), UpgradeError::unexpected_body, 400},
      {gateway_request("Transfer-Encoding: chunked\r\n"), UpgradeError::unexpected_body, 400},
  };
  CHECK(parse(good).step == HandshakeStep::done);
  for (const auto& c : cases) {
    CAPTURE(c.request);
    CHECK(error_of(c.request) == c.error);
    CHECK(upgrade_error_status(c.error) == c.status);
    CHECK(parse(c.request).status.code() == ErrorCode::protocol);
  }
  CHECK(upgrade_error_status(UpgradeError::none) == 0);
  CHECK(std::string(upgrade_error_name(UpgradeError::bad_key)) == "bad_key");
}

TEST_CASE("ws server: lenient where RFC 6455 and RFC 7230 allow it") {
  const std::vector<std::string> ok = {
      edited("Upgrade: websocket", "upgrade: WebSocket"),
      edited("Upgrade: websocket", "Upgrade: h2c, websocket"),
      edited("Upgrade: websocket\r\n", "Upgrade: h2c\r\nUpgrade: websocket\r\n"),
      edited("Connection: keep-alive, Upgrade", "connection: UPGRADE"),
      edited("Connection: keep-alive, Upgrade", "Connection: keep-alive\r\nConnection: ,upgrade,"),
      edited("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Key:dGhlIHNhbXBsZSBub25jZQ==  "),
      edited("HTTP/1.1\r\nHost", "HTTP/1.2\r\nHost"),
      edited("Host: gw.example.com:8443", "Host: [::1]:8443"),
      gateway_request("Content-Length: 0\r\n"),
      gateway_request("Sec-WebSocket-Protocol: chat,,superchat\r\nSec-WebSocket-Protocol: binary\r\n"),
      gateway_request("Sec-WebSocket-Extensions: permessage-deflate\r\n"),  // ignored: none is negotiated
      gateway_request("X-Empty:\r\n"),
      gateway_request("", "/"),
      gateway_request("", "/a/b;c=d?e=f/g?h&i=j:k@l"),
  };
  for (const auto& text : ok) {
    CAPTURE(text);
    CHECK(parse(text).step == HandshakeStep::done);
  }
  CHECK(parse(gateway_request("Sec-WebSocket-Protocol: chat,,superchat\r\nSec-WebSocket-Protocol: binary\r\n"))
            .request.protocols == std::vector<std::string>{"chat", "superchat", "binary"});
  CHECK(parse(gateway_request("X-Empty:\r\n")).request.header("x-empty") == "");
}

TEST_CASE("ws server: the head is bounded, needs CRLF line ends, and never echoes request bytes") {
  // Too large: refused as soon as the limit is passed, without the end of the head.
  const Parsed big = parse(gateway_request("X-Pad: " + std::string(200, 'p') + "\r\n"), 128);
  CHECK(big.step == HandshakeStep::error);
  CHECK(big.error == UpgradeError::request_too_large);
  CHECK(big.status.code() == ErrorCode::message_too_large);
  CHECK(upgrade_error_status(big.error) == 431);
  UpgradeRequestParser p(64);
  Bytes rest;
  const std::string endless(100, 'x');
  CHECK(p.feed(bytes(std::string_view(endless).substr(0, 60)), rest) == HandshakeStep::need_more);
  CHECK(p.feed(bytes(std::string_view(endless).substr(60)), rest) == HandshakeStep::error);
  CHECK(p.feed(bytes(std::string_view("\r\n\r\n")), rest) == HandshakeStep::error);  // stays failed

  // Bare LF never ends the head (RFC 7230 §3.5 lets a server require CRLF).
  CHECK(parse("GET / HTTP/1.1\nHost: a\nUpgrade: websocket\n\n").step == HandshakeStep::need_more);
  // An empty head.
  CHECK(error_of("\r\n\r\n") == UpgradeError::bad_request_line);

  // The target (which may carry a token in its query) and header values never reach the message.
  Parsed r = parse(edited("GET /v1?", "GET /v1?token=s3cr3t&\"x"));
  CHECK(r.error == UpgradeError::bad_target);
  CHECK(r.status.message().find("s3cr3t") == std::string::npos);
  r = parse(edited("Upgrade: websocket\r\n", "Upgrade: websocket\r\nX-Token s3cr3t\r\n"));
  CHECK(r.error == UpgradeError::bad_header_line);
  CHECK(r.status.message().find("s3cr3t") == std::string::npos);
  r = parse(edited("Upgrade: websocket\r\n", "Upgrade: websocket\r\nX-Token: s3cr3t\x01\r\n"));
  CHECK(r.error == UpgradeError::bad_header_line);
  CHECK(r.status.message().find("s3cr3t") == std::string::npos);
  CHECK(r.status.message().find("\"X-Token\"") != std::string::npos);
}

TEST_CASE("ws server: the client side's request is accepted and the client accepts the 101") {
  for (const bool with_protocol : {false, true}) {
    HandshakeRequest req;
    req.host = "gw.example.com";
    req.target = "/v1?address=db%3A5432";
    if (with_protocol) req.protocols = {"binary", "edgepg"};
    req.headers = {{"Authorization", "Bearer abc.def.ghi"}, {"Origin", "https://app.example.com"}};
    const Nonce nonce{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    const std::string key = websocket_key(nonce);
    std::string text;
    REQUIRE(build_handshake_request(req, key, text));

    const Parsed r = parse(text);
    REQUIRE(r.step == HandshakeStep::done);
    CHECK(r.request.bearer_token == "abc.def.ghi");
    CHECK(r.request.origin == "https://app.example.com");
    std::optional<std::string> address;
    REQUIRE(r.request.query_param("address", address));
    CHECK(address == "db:5432");

    static constexpr std::array<std::string_view, 1> allowed{"edgepg"};
    std::string response;
    REQUIRE(build_accept_response(r.request, allowed, response));
    HandshakeResponseParser client(key, req.protocols);
    Bytes rest;
    REQUIRE(client.feed(bytes(response), rest) == HandshakeStep::done);
    CHECK(client.protocol() == (with_protocol ? "edgepg" : ""));
  }
}

// ---- error responses ----

TEST_CASE("ws server: HTTP error responses") {
  std::string out;
  REQUIRE(
      build_error_response({401, "the token has expired", R"(Bearer realm="edgepg", error="invalid_token")", {}}, out));
  CHECK(out ==
        "HTTP/1.1 401 Unauthorized\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: 22\r\n"
        "WWW-Authenticate: Bearer realm=\"edgepg\", error=\"invalid_token\"\r\n"
        "Connection: close\r\n"
        "\r\n"
        "the token has expired\n");

  out.clear();
  REQUIRE(build_error_response({403, {}, {}, {}}, out));
  CHECK(out ==
        "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\n"
        "Connection: close\r\n\r\nForbidden\n");

  out.clear();
  REQUIRE(build_error_response(UpgradeError::bad_version, out));
  CHECK(out.rfind("HTTP/1.1 426 Upgrade Required\r\n", 0) == 0);
  CHECK(out.find("\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nConnection: Upgrade, close\r\n") !=
        std::string::npos);
  CHECK(out.find(upgrade_error_message(UpgradeError::bad_version)) != std::string::npos);

  out.clear();
  REQUIRE(build_error_response(UpgradeError::method_not_get, out));
  CHECK(out.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
  CHECK(out.find("\r\nAllow: GET\r\n") != std::string::npos);

  out.clear();
  REQUIRE(build_error_response({503, "draining", {}, 30}, out));
  CHECK(out.find("\r\nRetry-After: 30\r\n") != std::string::npos);
  out.clear();
  REQUIRE(build_error_response({404, "no such database route", {}, {}}, out));
  CHECK(out.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
  out.clear();
  REQUIRE(build_error_response(UpgradeError::request_too_large, out));
  CHECK(out.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
  out.clear();
  REQUIRE(build_error_response(UpgradeError::bad_key, out));
  CHECK(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);

  // Every error's response is well-formed and has the length it says.
  for (int e = 1; e <= static_cast<int>(UpgradeError::unexpected_body); ++e) {
    out.clear();
    REQUIRE(build_error_response(static_cast<UpgradeError>(e), out));
    const auto head_end = out.find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    const std::string body = out.substr(head_end + 4);
    CHECK(out.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
  }

  // The client side reads the status of a refusal.
  out.clear();
  REQUIRE(build_error_response({401, {}, "Bearer", {}}, out));
  HandshakeResponseParser client("dGhlIHNhbXBsZSBub25jZQ==", {});
  Bytes rest;
  CHECK(client.feed(bytes(out), rest) == HandshakeStep::error);
  CHECK(client.status_code() == 401);

  // Refused arguments, `out` unchanged.
  out = "keep";
  CHECK(build_error_response({500, {}, {}, {}}, out).code() == ErrorCode::invalid_argument);
  CHECK(build_error_response({200, {}, {}, {}}, out).code() == ErrorCode::invalid_argument);
  CHECK(build_error_response({401, {}, {}, {}}, out).code() == ErrorCode::invalid_argument);
  CHECK(build_error_response({403, {}, "Bearer", {}}, out).code() == ErrorCode::invalid_argument);
  CHECK(build_error_response({401, {}, "Bearer\r\nSet-Cookie: x=1", {}}, out).code() == ErrorCode::invalid_argument);
  CHECK(build_error_response({401, {}, " Bearer", {}}, out).code() == ErrorCode::invalid_argument);
  CHECK(build_error_response({400, {}, {}, 5}, out).code() == ErrorCode::invalid_argument);
  const std::string long_body(max_error_body + 1, 'b');
  CHECK(build_error_response({400, long_body, {}, {}}, out).code() == ErrorCode::invalid_argument);
  CHECK(build_error_response({400, std::string(max_error_body, 'b'), {}, {}}, out));
  out = "keep";
  CHECK(build_error_response({400, "\xff", {}, {}}, out).code() == ErrorCode::invalid_argument);
  CHECK(build_error_response(UpgradeError::none, out).code() == ErrorCode::invalid_argument);
  CHECK(out == "keep");
  CHECK(http_reason_phrase(418) == nullptr);
}

// ---- frames ----

TEST_CASE("ws server: RFC 6455 §5.7's masked \"Hello\"") {
  // §5.7: "A single-frame masked text message": 0x81 0x85 0x37 0xfa 0x21 0x3d 0x7f 0x9f 0x4d 0x51 0x58.
  const Vec hello{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  CHECK(client_frame(0x81, "Hello") == hello);
  ServerCodec text(text_allowed());
  REQUIRE(text.feed(bytes(hello)));
  CHECK(drain(text) == std::vector<std::string>{"text:Hello", "=need_more"});
  CHECK(text.empty());

  // By default the tunnel refuses text: 1003 and ErrorCode::ws_text_refused.
  ServerCodec binary_only;
  REQUIRE(binary_only.feed(bytes(hello)));
  CHECK(drain(binary_only) == std::vector<std::string>{"=error:text_refused"});
  CHECK(binary_only.error().code() == ErrorCode::ws_text_refused);
  CHECK(std::string(binary_only.error().name()) == "EWEBSOCKET");
  CHECK(binary_only.error().message().find("the client sent a text frame") == 0);
  CHECK(str(binary_only.data()) == "\x88\x0e" + close_body(1003, "text_refused"));
  CHECK(binary_only.state() == ServerState::failed);
  CHECK(binary_only.feed(bytes(hello)).code() == ErrorCode::ws_text_refused);

  // §5.7: "A single-frame unmasked text message" is what a server sends, never what it accepts (§5.1).
  ServerCodec strict(text_allowed());
  REQUIRE(strict.feed(bytes(Vec{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f})));
  CHECK(drain(strict) == std::vector<std::string>{"=error:unmasked_frame"});
  CHECK(strict.error().code() == ErrorCode::ws_unmasked_frame);
  CHECK(str(strict.data()) == "\x88\x10" + close_body(1002, "unmasked_frame"));
  CHECK(ws_error_close_code(strict.error().code()) == 1002);

  // §5.7: "A fragmented unmasked text message" (0x01 0x03 "Hel", 0x80 0x02 "lo"), masked as a client sends it.
  ServerCodec frag(text_allowed());
  REQUIRE(frag.feed(bytes(cat({client_frame(0x01, "Hel"), client_frame(0x80, "lo")}))));
  CHECK(drain(frag) == std::vector<std::string>{"text:Hello", "=need_more"});
}

TEST_CASE("ws server: §5.7's ping/pong and the 256-byte and 64 KiB binary frames") {
  // A masked ping "Hello" is answered with §5.7's unmasked pong: 0x8a 0x05 "Hello".
  ServerCodec c;
  REQUIRE(c.feed(bytes(client_frame(0x89, "Hello"))));
  CHECK(drain(c) == std::vector<std::string>{"ping:Hello", "=need_more"});
  CHECK(Vec(c.data().begin(), c.data().end()) == Vec{0x8a, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
  c.clear();

  // §5.7: 256 bytes of binary data in a single unmasked frame: 0x82 0x7E 0x0100 [256 bytes].
  const Vec payload256(256, 0x5a);
  REQUIRE(c.send_binary(bytes(payload256)));
  CHECK(Vec(c.data().begin(), c.data().begin() + 4) == Vec{0x82, 0x7e, 0x01, 0x00});
  CHECK(c.data().size() == 4 + 256);
  // take_data hands the frame over (the codec is then empty; what it queues next starts a fresh buffer).
  std::vector<std::uint8_t> taken{9, 9, 9};
  c.take_data(taken);
  CHECK(taken.size() == 4 + 256);
  CHECK(Vec(taken.begin(), taken.begin() + 4) == Vec{0x82, 0x7e, 0x01, 0x00});
  CHECK(c.empty());
  REQUIRE(c.send_binary(bytes(std::string_view("x"))));
  CHECK(Vec(c.data().begin(), c.data().end()) == Vec{0x82, 0x01, 'x'});
  c.clear();
  // §5.7: 64 KiB in a single unmasked frame: 0x82 0x7F 0x0000000000010000 [65536 bytes].
  const Vec payload64k(65536, 0x33);
  REQUIRE(c.send_binary(bytes(payload64k)));
  CHECK(Vec(c.data().begin(), c.data().begin() + 10) == Vec{0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0});
  CHECK(c.data().size() == 10 + 65536);
  c.clear();

  // The same sizes from a client, masked, come out unmasked.
  std::string s256(256, 'a'), s64k(65536, 'b');
  for (std::size_t i = 0; i < s64k.size(); ++i) s64k[i] = static_cast<char>('a' + i % 26);
  REQUIRE(c.feed(bytes(cat({client_frame(0x82, s256), client_frame(0x82, s64k, {1, 2, 3, 4})}))));
  CHECK(drain(c) == std::vector<std::string>{"binary:" + s256, "binary:" + s64k, "=need_more"});
  CHECK(c.empty());
  // Without auto_pong the ping event is the caller's cue.
  ServerOptions manual;
  manual.auto_pong = false;
  ServerCodec m(manual);
  REQUIRE(m.feed(bytes(client_frame(0x89, "Hello"))));
  CHECK(drain(m) == std::vector<std::string>{"ping:Hello", "=need_more"});
  CHECK(m.empty());
  REQUIRE(m.send_pong(bytes(std::string_view("Hello"))));
  CHECK(Vec(m.data().begin(), m.data().end()) == Vec{0x8a, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
  // A pong from the client is reported, not answered.
  REQUIRE(c.feed(bytes(client_frame(0x8a, "p"))));
  CHECK(drain(c) == std::vector<std::string>{"pong:p", "=need_more"});
  CHECK(c.empty());
}

namespace {

// A client stream with every kind of frame: single and fragmented messages, control frames between fragments
// (§5.4 allows them), an empty message, a 16-bit length, then the Close.
Vec sample_stream() {
  return cat({
      client_frame(0x82, "abc"),
      client_frame(0x02, "fr", {9, 8, 7, 6}),
      client_frame(0x89, "ping!"),
      client_frame(0x00, "ag"),
      client_frame(0x8a, ""),
      client_frame(0x80, "ment", {0, 0, 0, 0}),
      client_frame(0x82, ""),
      client_frame(0x81, "héllo"),
      client_frame(0x82, std::string(300, 'z')),
      client_frame(0x88, close_body(1000, "bye")),
  });
}

}  // namespace

TEST_CASE("ws server: the same events and output for a split at every offset") {
  const Vec in = sample_stream();
  const Run whole = run(in, {}, text_allowed());
  const std::vector<std::string> expected = {"binary:abc",
                                             "ping:ping!",
                                             "pong:",
                                             "binary:fragment",
                                             "binary:",
                                             "text:héllo",
                                             "binary:" + std::string(300, 'z'),
                                             "close:" + close_body(1000, "bye"),
                                             "=closed"};
  CHECK(whole.events == expected);
  // The pong, then the Close echoing 1000.
  CHECK(whole.output == cat({Vec{0x8a, 0x05, 'p', 'i', 'n', 'g', '!'}, Vec{0x88, 0x02, 0x03, 0xe8}}));
  CHECK(whole.state == ServerState::closed);
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    CAPTURE(cut);
    const Run r = run(in, {cut}, text_allowed());
    CHECK(r.events == whole.events);
    CHECK(r.output == whole.output);
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < in.size(); ++i) every.push_back(i);
  CHECK(run(in, every, text_allowed()).events == whole.events);
}

TEST_CASE("ws server: each frame rule fails with its own error and Close code") {
  struct Case {
    Vec in;
    const char* rule;
    std::uint16_t close;
  };
  Vec no_mask_bit = client_frame(0x82, "x");
  no_mask_bit[1] = 0x01;  // length 1, MASK clear; the key bytes are now payload
  Vec msb;                // 64-bit length with its top bit set
  msb = {0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
  const std::vector<Case> cases = {
      {client_frame(0xc2, "x"), "reserved_bits", 1002},                       // RSV1
      {client_frame(0xa2, "x"), "reserved_bits", 1002},                       // RSV2
      {client_frame(0x92, "x"), "reserved_bits", 1002},                       // RSV3
      {client_frame(0x83, "x"), "reserved_opcode", 1002},                     // 0x3
      {client_frame(0x8b, "x"), "reserved_opcode", 1002},                     // 0xB
      {client_frame(0x09, "x"), "fragmented_control", 1002},                  // ping without FIN
      {client_frame(0x89, std::string(126, 'p')), "control_too_long", 1002},  // §5.5
      {no_mask_bit, "unmasked_frame", 1002},                                  // §5.1
      {msb, "length_msb_set", 1002},                                          // §5.2
      {client_frame(0x80, "x"), "continuation_without_start", 1002},          // §5.4
      {cat({client_frame(0x02, "a"), client_frame(0x82, "b")}), "data_frame_inside_message", 1002},
      {cat({client_frame(0x01, "a"), client_frame(0x81, "b")}), "data_frame_inside_message", 1002},
      {client_frame(0x81, "\xc3"), "bad_text_payload", 1007},  // §8.1
      {cat({client_frame(0x01, "\xc3"), client_frame(0x80, "\x28")}), "bad_text_payload", 1007},
      {client_frame(0x88, "\x03"), "bad_close_payload", 1002},         // §5.5.1
      {client_frame(0x88, close_body(1005)), "bad_close_code", 1002},  // §7.4
      {client_frame(0x88, close_body(999)), "bad_close_code", 1002},
      {client_frame(0x88, close_body(2000)), "bad_close_code", 1002},
      {client_frame(0x88, close_body(1000, "\xed\xa0\x80")), "bad_close_reason", 1007},  // a surrogate
  };
  for (const auto& c : cases) {
    CAPTURE(c.rule);
    const Run r = run(c.in, {}, text_allowed());
    REQUIRE(!r.events.empty());
    CHECK(r.events.back() == std::string("=error:") + c.rule);
    CHECK(r.state == ServerState::failed);
    // The Close telling the client why: code, then the rule's name.
    REQUIRE(r.output.size() >= 4);
    CHECK(r.output[0] == 0x88);
    CHECK(((r.output[2] << 8) | r.output[3]) == c.close);
    CHECK(str(Bytes(r.output).subspan(4)) == c.rule);
  }
  // Valid close codes pass: 1000-1003, 1007-1014, 3000-4999.
  for (const std::uint16_t code : std::initializer_list<std::uint16_t>{1000, 1003, 1007, 1014, 3000, 4999}) {
    const Run r = run(client_frame(0x88, close_body(code)), {});
    CHECK(r.events == std::vector<std::string>{"close:" + close_body(code), "=closed"});
  }
}

TEST_CASE("ws server: the message size limit is checked on each frame header, before buffering") {
  // A frame announcing 2^40 bytes fails from its header alone: nothing is allocated for it.
  const Vec huge{0x82, 0xff, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4};
  ServerCodec c;
  REQUIRE(c.feed(bytes(huge)));
  CHECK(drain(c) == std::vector<std::string>{"=error:message_too_big"});
  CHECK(c.error().code() == ErrorCode::ws_message_too_big);
  CHECK(str(c.data()) == "\x88\x11" + close_body(1009, "message_too_big"));

  // Exactly the limit passes; one byte more fails; fragments count together.
  CHECK(run(client_frame(0x82, std::string(100, 'a')), {}, text_allowed(100)).events ==
        std::vector<std::string>{"binary:" + std::string(100, 'a')});
  CHECK(run(client_frame(0x82, std::string(101, 'a')), {}, text_allowed(100)).events ==
        std::vector<std::string>{"=error:message_too_big"});
  CHECK(run(cat({client_frame(0x02, std::string(60, 'a')), client_frame(0x80, std::string(41, 'b'))}), {},
            text_allowed(100))
            .events == std::vector<std::string>{"=error:message_too_big"});
  CHECK(run(cat({client_frame(0x02, std::string(60, 'a')), client_frame(0x80, std::string(40, 'b'))}), {},
            text_allowed(100))
            .events == std::vector<std::string>{"binary:" + std::string(60, 'a') + std::string(40, 'b')});
  // Control frames do not count against it.
  CHECK(run(cat({client_frame(0x02, std::string(100, 'a')), client_frame(0x89, "x"), client_frame(0x80, "")}), {},
            text_allowed(100))
            .events == std::vector<std::string>{"ping:x", "binary:" + std::string(100, 'a')});
}

TEST_CASE("ws server: the close handshake, begun by either side") {
  // The client closes without a code: 1005 is reported, and the reply carries no code either (§5.5.1).
  ServerCodec a;
  REQUIRE(a.feed(bytes(client_frame(0x88, ""))));
  CHECK(drain(a) == std::vector<std::string>{"close:", "=closed"});
  CHECK(a.close_code() == close_code::no_status);
  CHECK(Vec(a.data().begin(), a.data().end()) == Vec{0x88, 0x00});
  CHECK(a.state() == ServerState::closed);
  // Nothing follows a Close (§5.5.1): later bytes are dropped, sends refused.
  CHECK(a.feed(bytes(client_frame(0x82, "late"))));
  CHECK(a.buffered() == 0);
  CHECK(drain(a) == std::vector<std::string>{"=closed"});
  CHECK(a.send_binary(bytes(std::string_view("x"))).code() == ErrorCode::closed);

  ServerCodec b;
  REQUIRE(b.feed(bytes(client_frame(0x88, close_body(1001, "going away")))));
  CHECK(drain(b) == std::vector<std::string>{"close:" + close_body(1001, "going away"), "=closed"});
  CHECK(b.close_code() == 1001);
  CHECK(b.close_reason() == "going away");
  CHECK(str(b.data()) == "\x88\x02" + close_body(1001));

  // The server closes first: no pong while closing, data still delivered, the client's Close ends it unanswered.
  ServerCodec c;
  REQUIRE(c.close(close_code::policy_violation, "token revoked"));
  CHECK(str(c.data()) == "\x88\x0f" + close_body(1008, "token revoked"));
  CHECK(c.state() == ServerState::closing);
  c.clear();
  CHECK(c.send_binary(bytes(std::string_view("x"))).code() == ErrorCode::closed);
  CHECK(c.close().code() == ErrorCode::closed);
  REQUIRE(c.feed(
      bytes(cat({client_frame(0x89, "p"), client_frame(0x82, "in flight"), client_frame(0x88, close_body(1008))}))));
  CHECK(drain(c) == std::vector<std::string>{"ping:p", "binary:in flight", "close:" + close_body(1008), "=closed"});
  CHECK(c.empty());
  CHECK(c.state() == ServerState::closed);

  // A failure while closing sends no second Close.
  ServerCodec d;
  REQUIRE(d.close());
  d.clear();
  REQUIRE(d.feed(bytes(client_frame(0x83, ""))));
  CHECK(drain(d) == std::vector<std::string>{"=error:reserved_opcode"});
  CHECK(d.empty());
}

TEST_CASE("ws server: sends check their arguments") {
  ServerCodec c;
  CHECK(c.send_ping(bytes(std::string(126, 'p'))).code() == ErrorCode::invalid_argument);
  CHECK(c.send_pong(bytes(std::string(126, 'p'))).code() == ErrorCode::invalid_argument);
  CHECK(c.send_text("\xff").code() == ErrorCode::invalid_argument);
  CHECK(c.close(1005).code() == ErrorCode::invalid_argument);
  CHECK(c.close(1000, std::string(124, 'r')).code() == ErrorCode::invalid_argument);
  CHECK(c.close(1000, "\xc3").code() == ErrorCode::invalid_argument);
  CHECK(c.empty());
  REQUIRE(c.send_text("héllo"));
  REQUIRE(c.send_ping(bytes(std::string(125, 'p'))));
  REQUIRE(c.send_pong(Bytes{}));
  REQUIRE(c.close(1000, std::string(123, 'r')));
  // All unmasked (§5.1), read back by the client-side header decoder.
  Bytes out = c.data();
  std::vector<Opcode> ops;
  while (!out.empty()) {
    FrameHeader h;
    const HeaderDecode d = decode_frame_header(out, Role::server, h);
    REQUIRE(d.step == DecodeStep::header);
    CHECK_FALSE(h.masked);
    ops.push_back(h.opcode);
    out = out.subspan(d.header_size + h.payload_length);
  }
  CHECK(ops == std::vector<Opcode>{Opcode::text, Opcode::ping, Opcode::pong, Opcode::close});
}

TEST_CASE("ws server: ClientCodec and the server role talk to each other") {
  ClientOptions co;
  co.refuse_text = false;
  co.random = [n = std::uint8_t{0}](std::span<std::uint8_t> out) mutable {
    for (auto& b : out) b = static_cast<std::uint8_t>(++n * 37);
    return true;
  };
  ClientCodec client(std::move(co));
  HandshakeRequest req;
  req.host = "gw.example.com";
  req.target = "/v1?address=db";
  req.protocols = {"edgepg"};
  req.headers = {{"Authorization", "Bearer t0k3n"}};
  REQUIRE(client.start(req));

  // Handshake: the request, the 101.
  UpgradeRequestParser hp;
  Bytes rest;
  REQUIRE(hp.feed(client.data(), rest) == HandshakeStep::done);
  client.clear();
  CHECK(hp.request().bearer_token == "t0k3n");
  std::string accept;
  static constexpr std::array<std::string_view, 1> allowed{"edgepg"};
  REQUIRE(build_accept_response(hp.request(), allowed, accept));
  REQUIRE(client.feed(bytes(accept)));
  Event ev;
  REQUIRE(client.next(ev) == ReadStep::event);
  CHECK(ev.type == EventType::open);
  CHECK(client.protocol() == "edgepg");

  ServerCodec server(text_allowed());
  REQUIRE(server.feed(rest));
  // Client to server: masked frames of many sizes.
  std::vector<std::string> sent;
  for (const std::size_t n : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 100000u}) {
    std::string payload(n, '\0');
    for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<char>(i * 31 + n);
    REQUIRE(client.send_binary(bytes(payload)));
    sent.push_back("binary:" + payload);
  }
  REQUIRE(client.send_text("select 'é'"));
  sent.push_back("text:select 'é'");
  REQUIRE(client.send_ping(bytes(std::string_view("are you there"))));
  sent.push_back("ping:are you there");
  REQUIRE(server.feed(client.data()));
  client.clear();
  std::vector<std::string> got = drain(server);
  CHECK(got.back() == "=need_more");
  got.pop_back();
  CHECK(got == sent);

  // Server to client: binary, the automatic pong, and the Close handshake.
  REQUIRE(server.send_binary(bytes(std::string_view("R\0\0\0\x08\0\0\0\0", 9))));
  REQUIRE(server.close(close_code::normal, "done"));
  REQUIRE(client.feed(server.data()));
  server.clear();
  std::vector<std::string> at_client;
  ReadStep step;
  while ((step = client.next(ev)) == ReadStep::event) {
    at_client.push_back(std::to_string(static_cast<int>(ev.type)) + ":" + str(ev.payload));
  }
  CHECK(step == ReadStep::closed);
  REQUIRE(at_client.size() == 3);
  CHECK(at_client[0] == std::to_string(static_cast<int>(EventType::pong)) + ":are you there");
  CHECK(at_client[1] ==
        std::to_string(static_cast<int>(EventType::binary)) + ":" + std::string("R\0\0\0\x08\0\0\0\0", 9));
  CHECK(client.close_code() == 1000);
  CHECK(client.close_reason() == "done");
  // The client's Close reply completes the server's handshake.
  REQUIRE(server.feed(client.data()));
  CHECK(drain(server) == std::vector<std::string>{"close:" + close_body(1000), "=closed"});
  CHECK(server.empty());
}
