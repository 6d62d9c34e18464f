#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "crypto/sha1.hpp"
#include "edgepg/ws/handshake.hpp"

using namespace edgepg;
using namespace edgepg::ws;

namespace {

constexpr const char* kKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3
constexpr const char* kAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

Bytes bytes(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
std::string str(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

std::string response(const std::string& extra = "", const std::string& accept = kAccept) {
  return "HTTP/1.1 101 Switching Protocols\r\n"
         "Upgrade: websocket\r\n"
         "Connection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " +
         accept + "\r\n" + extra + "\r\n";
}

struct Outcome {
  HandshakeStep step;
  std::string rest;
  ErrorCode error = ErrorCode::ok;  // the parser's error().code()
  std::string protocol;
};

// Feeds `text` in the given chunk boundaries and collects what the parser reports.
Outcome parse(const std::string& text, const std::vector<std::size_t>& cuts = {}, std::vector<std::string> offered = {},
              std::size_t max = default_max_handshake_size) {
  HandshakeResponseParser p(kKey, std::move(offered), max);
  Outcome o{HandshakeStep::need_more, {}, ErrorCode::ok, {}};
  std::size_t at = 0;
  auto feed = [&](std::size_t end) {
    Bytes rest;
    const auto step = p.feed(bytes(text).subspan(at, end - at), rest);
    if (o.step == HandshakeStep::done) CHECK(rest.empty());  // bytes after done are not the parser's
    if (step == HandshakeStep::done && o.step != HandshakeStep::done)
      o.rest += str(rest);
    else if (step == HandshakeStep::done)
      o.rest += text.substr(at, end - at);
    o.step = step;
    at = end;
  };
  for (auto cut : cuts) feed(cut);
  feed(text.size());
  o.error = p.error().code();
  o.protocol = p.protocol();
  return o;
}

}  // namespace

TEST_CASE("ws handshake: RFC 6455 §1.3 key and accept") {
  CHECK(websocket_accept(kKey) == kAccept);
  const std::string nonce = "the sample nonce";  // the 16 bytes behind the RFC's key
  REQUIRE(nonce.size() == 16);
  Nonce n{};
  std::copy(nonce.begin(), nonce.end(), n.begin());
  CHECK(websocket_key(n) == kKey);
}

TEST_CASE("ws handshake: SHA-1 known answers (FIPS 180-2)") {
  auto hex = [](const crypto::Digest160& d) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (auto b : d) (s += digits[b >> 4]) += digits[b & 15];
    return s;
  };
  CHECK(hex(crypto::sha1(crypto::bytes_of("abc"))) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex(crypto::sha1(crypto::bytes_of(""))) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST_CASE("ws handshake: the request has every header RFC 6455 §4.1 requires") {
  HandshakeRequest req;
  req.host = "server.example.com";
  req.target = "/chat?x=1";
  req.protocols = {"chat", "superchat"};
  req.headers = {{"Origin", "http://example.com"}};
  std::string out = "prefix|";
  REQUIRE(build_handshake_request(req, kKey, out));
  CHECK(out ==
        "prefix|GET /chat?x=1 HTTP/1.1\r\n"
        "Host: server.example.com\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: chat, superchat\r\n"
        "Origin: http://example.com\r\n"
        "\r\n");

  HandshakeRequest bare;
  bare.host = "127.0.0.1:6543";
  std::string out2;
  REQUIRE(build_handshake_request(bare, kKey, out2));
  CHECK(out2.find("GET / HTTP/1.1\r\nHost: 127.0.0.1:6543\r\n") == 0);
  CHECK(out2.find("Sec-WebSocket-Protocol") == std::string::npos);
}

TEST_CASE("ws handshake: a request that would be malformed is refused and nothing is written") {
  auto refused = [](HandshakeRequest req) {
    std::string out = "untouched";
    const Status s = build_handshake_request(req, kKey, out);
    if (!s.ok()) CHECK(out == "untouched");
    return s.code();
  };
  HandshakeRequest ok;
  ok.host = "h";
  CHECK(refused(ok) == ErrorCode::ok);
  HandshakeRequest r = ok;
  r.host = "";
  CHECK(refused(r) == ErrorCode::invalid_argument);
  r = ok;
  r.host = "h\r\nX-Evil: 1";
  CHECK(refused(r) == ErrorCode::invalid_argument);
  r = ok;
  r.target = "chat";
  CHECK(refused(r) == ErrorCode::invalid_argument);
  r = ok;
  r.target = "/a b";
  CHECK(refused(r) == ErrorCode::invalid_argument);
  r = ok;
  r.protocols = {"not a token"};
  CHECK(refused(r) == ErrorCode::invalid_argument);
  r = ok;
  r.headers = {{"X-Ok", "a\r\nX-Evil: 1"}};
  CHECK(refused(r) == ErrorCode::invalid_argument);
  r = ok;
  r.headers = {{"Bad Name", "v"}};
  CHECK(refused(r) == ErrorCode::invalid_argument);
  r = ok;
  r.headers = {{"sec-websocket-key", "x"}};
  CHECK(refused(r) == ErrorCode::invalid_argument);
  r = ok;
  r.headers = {{"CONNECTION", "close"}};
  CHECK(refused(r) == ErrorCode::invalid_argument);
}

TEST_CASE("ws handshake: the RFC response is accepted and the bytes after it are handed over") {
  const std::string tail = std::string(
      "\x82\x03"
      "abc",
      5);
  const std::string text = response() + tail;
  const auto whole = parse(text);
  REQUIRE(whole.step == HandshakeStep::done);
  CHECK(whole.rest == tail);

  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    const auto o = parse(text, {cut});
    CHECK(o.step == HandshakeStep::done);
    CHECK(o.rest == tail);
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < text.size(); ++i) every.push_back(i);
  const auto bytewise = parse(text, every);
  CHECK(bytewise.step == HandshakeStep::done);
  CHECK(bytewise.rest == tail);

  std::mt19937 rng(7);
  for (int round = 0; round < 100; ++round) {
    std::vector<std::size_t> cuts;
    for (std::size_t at = 1 + rng() % 9; at < text.size(); at += 1 + rng() % 9) cuts.push_back(at);
    CHECK(parse(text, cuts).rest == tail);
  }
}

TEST_CASE("ws handshake: header names and the Upgrade/Connection values are case-insensitive") {
  const std::string text =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "upgrade: WebSocket\r\n"
      "server: test\r\n"
      "CONNECTION: keep-alive,  upgrade \r\n"
      "sec-websocket-accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=  \r\n"
      "\r\n";
  CHECK(parse(text).step == HandshakeStep::done);
  // Connection split over two headers.
  CHECK(parse("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
            .step == HandshakeStep::done);
  // A status line without a reason phrase.
  CHECK(parse("HTTP/1.1 101\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
            .step == HandshakeStep::done);

  HandshakeResponseParser p(kKey, {});
  Bytes rest;
  REQUIRE(p.feed(bytes(text), rest) == HandshakeStep::done);
  CHECK(p.status_code() == 101);
  REQUIRE(p.header("Server"));
  CHECK(*p.header("Server") == "test");
  CHECK_FALSE(p.header("X-Missing"));
  // Done is final: more bytes are not consumed.
  CHECK(p.feed(bytes(text), rest) == HandshakeStep::done);
  CHECK(rest.empty());
}

TEST_CASE("ws handshake: subprotocol selection (§4.1 rule 6)") {
  const auto chosen = parse(response("Sec-WebSocket-Protocol: superchat\r\n"), {}, {"chat", "superchat"});
  CHECK(chosen.step == HandshakeStep::done);
  CHECK(chosen.protocol == "superchat");
  const auto none = parse(response(), {}, {"chat"});
  CHECK(none.step == HandshakeStep::done);
  CHECK(none.protocol.empty());
  const auto other = parse(response("Sec-WebSocket-Protocol: mqtt\r\n"), {}, {"chat"});
  CHECK(other.error == ErrorCode::ws_unrequested_protocol);
  CHECK(parse(response("Sec-WebSocket-Protocol: chat\r\n")).error == ErrorCode::ws_unrequested_protocol);
  CHECK(parse(response("Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat\r\n"), {}, {"chat"}).error ==
        ErrorCode::ws_duplicate_header);
}

TEST_CASE("ws handshake: each broken rule is its own error") {
  struct Case {
    std::string text;
    ErrorCode error;
  };
  const std::string accept = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
  const std::vector<Case> cases = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", ErrorCode::ws_bad_status},
      {"HTTP/1.1 404 Not Found\r\n\r\n", ErrorCode::ws_bad_status},
      {"HTTP/1.0 101 Switching Protocols\r\n\r\n", ErrorCode::ws_bad_status_line},
      {"HTTP/1.1 1O1 Switching Protocols\r\n\r\n", ErrorCode::ws_bad_status_line},
      {"HTTP/1.1 1010\r\n\r\n", ErrorCode::ws_bad_status_line},
      {"SSH-2.0-OpenSSH_9.2\r\n\r\n", ErrorCode::ws_bad_status_line},
      {"\r\n\r\n", ErrorCode::ws_bad_status_line},
      {"HTTP/1.1 101 OK\r\nConnection: Upgrade\r\n" + accept + "\r\n", ErrorCode::ws_missing_upgrade},
      {"HTTP/1.1 101 OK\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n" + accept + "\r\n", ErrorCode::ws_missing_upgrade},
      {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + accept + "\r\n",
       ErrorCode::ws_duplicate_header},
      {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n" + accept + "\r\n", ErrorCode::ws_missing_connection},
      {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n" + accept + "\r\n",
       ErrorCode::ws_missing_connection},
      {"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", ErrorCode::ws_bad_accept},
      {response("", "dGhlIHNhbXBsZSBub25jZQ=="), ErrorCode::ws_bad_accept},
      {response("", "S3PPLMBITXAQ9KYGZZHZRBK+XOO="), ErrorCode::ws_bad_accept},  // base64 is case-sensitive
      {response(accept), ErrorCode::ws_duplicate_header},
      {response("Sec-WebSocket-Extensions: permessage-deflate\r\n"), ErrorCode::ws_unrequested_extension},
      {response("X-Folded: a\r\n  b\r\n"), ErrorCode::ws_bad_header_line},
      {response("No colon here\r\n"), ErrorCode::ws_bad_header_line},
      {response(": empty name\r\n"), ErrorCode::ws_bad_header_line},
      {response("Bad Name: v\r\n"), ErrorCode::ws_bad_header_line},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto o = parse(c.text);
    CHECK(o.step == HandshakeStep::error);
    CHECK(o.error == c.error);
    CHECK(std::string(error_name(o.error)) == "EWEBSOCKET");
    CHECK(o.rest.empty());
  }

  HandshakeResponseParser p(kKey, {});
  Bytes rest;
  const std::string not_found = "HTTP/1.1 404 Not Found\r\n\r\n";
  REQUIRE(p.feed(bytes(not_found), rest) == HandshakeStep::error);
  CHECK(p.status_code() == 404);
  CHECK(p.error().message().find("404 Not Found") != std::string::npos);
  CHECK(p.error().message().find("§4.1") != std::string::npos);
  CHECK(p.feed(bytes(response()), rest) == HandshakeStep::error);  // stays failed
}

TEST_CASE("ws handshake: a header section above the limit is an error, whatever the chunking") {
  const std::string big = response("X-Pad: " + std::string(200, 'a') + "\r\n");
  CHECK(parse(big, {}, {}, big.size()).step == HandshakeStep::done);  // exactly at the limit
  const auto over = parse(big, {}, {}, big.size() - 1);
  CHECK(over.error == ErrorCode::ws_handshake_too_large);
  // An endless header section fails once it passes the limit, long before it ends.
  const std::string endless = "HTTP/1.1 101 OK\r\n" + std::string(100000, 'x');
  std::vector<std::size_t> cuts;
  for (std::size_t at = 1000; at < endless.size(); at += 1000) cuts.push_back(at);
  CHECK(parse(endless, cuts).error == ErrorCode::ws_handshake_too_large);
  CHECK(parse(endless).error == ErrorCode::ws_handshake_too_large);
}
