#include <doctest/doctest.h>

#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "edgepg/ws/client_codec.hpp"

using namespace edgepg;
using namespace edgepg::ws;

namespace {

using Vec = std::vector<std::uint8_t>;

Bytes bytes(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
std::string str(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

const std::string kResponse =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "\r\n";

Nonce sample_nonce() {
  const std::string s = "the sample nonce";  // RFC 6455 §1.3's key
  Nonce n{};
  std::copy(s.begin(), s.end(), n.begin());
  return n;
}

// A deterministic "random" source: 1, 2, 3, ... so outputs are reproducible.
RandomSource counter() {
  return [n = std::uint8_t{0}](std::span<std::uint8_t> out) mutable {
    for (auto& b : out) b = ++n;
    return true;
  };
}

ClientOptions options(bool refuse_text = true, std::size_t max_message_size = default_max_message_size) {
  ClientOptions o;
  o.random = counter();
  o.refuse_text = refuse_text;
  o.max_message_size = max_message_size;
  return o;
}

HandshakeRequest request() {
  HandshakeRequest r;
  r.host = "127.0.0.1:6543";
  r.target = "/v1?address=db:5432";
  return r;
}

// A codec past its handshake, with the request drained.
void open(ClientCodec& c) {
  REQUIRE(c.start(request(), sample_nonce()));
  c.clear();
  REQUIRE(c.feed(bytes(kResponse)));
  Event ev;
  REQUIRE(c.next(ev) == ReadStep::event);
  REQUIRE(ev.type == EventType::open);
  REQUIRE(c.state() == State::open);
}

// Server frame builder (unmasked unless a key is given; any header bits).
Vec frame(std::uint8_t b0, const std::string& payload) {
  Vec out;
  out.push_back(b0);
  if (payload.size() < 126) {
    out.push_back(static_cast<std::uint8_t>(payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    out.push_back(126);
    out.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(payload.size()));
  } else {
    out.push_back(127);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(payload.size() >> shift));
  }
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Vec cat(std::initializer_list<Vec> parts) {
  Vec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::string close_body(std::uint16_t code, const std::string& reason = "") {
  return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)} + reason;
}

const char* name(EventType t) {
  switch (t) {
    case EventType::open:
      return "open";
    case EventType::binary:
      return "binary";
    case EventType::text:
      return "text";
    case EventType::ping:
      return "ping";
    case EventType::pong:
      return "pong";
    case EventType::close:
      return "close";
  }
  return "?";
}

// Drains every event as "type:payload"; the final step is appended as "=need_more" / "=closed" / "=error:<rule>".
std::vector<std::string> drain(ClientCodec& c) {
  std::vector<std::string> out;
  Event ev;
  ReadStep step;
  while ((step = c.next(ev)) == ReadStep::event) out.push_back(std::string(name(ev.type)) + ":" + str(ev.payload));
  if (step == ReadStep::need_more) out.push_back("=need_more");
  if (step == ReadStep::closed) out.push_back("=closed");
  if (step == ReadStep::error) out.push_back(std::string("=error:") + ws_error_name(c.error().code()));
  return out;
}

struct Run {
  std::vector<std::string> events;  // need_more markers dropped, so chunkings compare equal
  Vec output;                       // everything the codec queued, request included
  State state;
};

// Runs a whole server byte stream (handshake response included) through a fresh codec in the given chunks.
Run run(const Vec& stream, const std::vector<std::size_t>& cuts, ClientOptions o = options(false)) {
  ClientCodec c(std::move(o));
  REQUIRE(c.start(request(), sample_nonce()));
  Run r;
  std::size_t at = 0;
  auto step = [&](std::size_t end) {
    (void)c.feed(Bytes(stream.data() + at, end - at));
    at = end;
    for (auto& e : drain(c)) {
      if (e == "=need_more") continue;
      if (!r.events.empty() && r.events.back() == e && e[0] == '=') continue;  // repeated final steps
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

// Decodes what the client sent after the handshake request: "type:unmasked payload" per frame.
std::vector<std::string> client_frames(Bytes out) {
  const auto end = str(out).find("\r\n\r\n");
  if (end != std::string::npos && str(out).rfind("GET ", 0) == 0) out = out.subspan(end + 4);
  std::vector<std::string> frames;
  while (!out.empty()) {
    FrameHeader h;
    const auto d = decode_frame_header(out, Role::client, h);
    REQUIRE(d.step == DecodeStep::header);
    Vec p(out.begin() + static_cast<std::ptrdiff_t>(d.header_size),
          out.begin() + static_cast<std::ptrdiff_t>(d.header_size + h.payload_length));
    apply_mask(p, h.mask);
    frames.push_back(std::to_string(static_cast<int>(h.opcode)) + ":" + std::string(p.begin(), p.end()));
    out = out.subspan(d.header_size + h.payload_length);
  }
  return frames;
}

}  // namespace

TEST_CASE("ws codec: start() queues the handshake request; the 101 opens the connection") {
  ClientCodec c(options());
  CHECK(c.state() == State::idle);
  REQUIRE(c.start(request(), sample_nonce()));
  CHECK(c.state() == State::handshake);
  const std::string req = str(c.data());
  CHECK(req.rfind("GET /v1?address=db:5432 HTTP/1.1\r\nHost: 127.0.0.1:6543\r\n", 0) == 0);
  CHECK(req.find("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n") != std::string::npos);
  CHECK(req.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
  CHECK(c.start(request(), sample_nonce()).code() == ErrorCode::invalid_state);  // once
  CHECK(c.send_binary(bytes("x")).code() == ErrorCode::invalid_state);           // §4.1: no frames before the 101
  Event ev;
  CHECK(c.next(ev) == ReadStep::need_more);
  c.clear();
  // The 101 and the first frame in one read.
  const Vec first = frame(0x82, "abc");
  REQUIRE(c.feed(bytes(kResponse + str(first))));
  CHECK(drain(c) == std::vector<std::string>{"open:", "binary:abc", "=need_more"});
  CHECK(c.state() == State::open);
  CHECK(c.empty());
}

TEST_CASE("ws codec: the nonce can come from the random source; without one start() refuses") {
  ClientCodec c(options());
  REQUIRE(c.start(request()));
  CHECK(str(c.data()).find("Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n") != std::string::npos);  // bytes 1..16
  ClientCodec none;
  CHECK(none.start(request()).code() == ErrorCode::invalid_state);
  CHECK(none.state() == State::idle);
  HandshakeRequest bad = request();
  bad.host.clear();
  CHECK(none.start(bad, sample_nonce()).code() == ErrorCode::invalid_argument);
  CHECK(none.state() == State::idle);
  CHECK(none.empty());
  CHECK(none.feed(bytes(kResponse)).code() == ErrorCode::invalid_state);
}

TEST_CASE("ws codec: a failed handshake fails the codec and sends no Close") {
  struct Case {
    std::string response;
    ErrorCode error;
  };
  const std::vector<Case> cases = {
      {"HTTP/1.1 200 OK\r\n\r\n", ErrorCode::ws_bad_status},
      {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
       ErrorCode::ws_bad_accept},
      {"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
       ErrorCode::ws_missing_upgrade},
  };
  for (const auto& k : cases) {
    ClientCodec c(options());
    REQUIRE(c.start(request(), sample_nonce()));
    c.clear();
    const Status s = c.feed(bytes(k.response));
    CHECK(s.code() == k.error);
    CHECK(std::string(s.name()) == "EWEBSOCKET");
    CHECK(c.state() == State::failed);
    CHECK(c.empty());
    CHECK(drain(c) == std::vector<std::string>{std::string("=error:") + ws_error_name(k.error)});
    CHECK(c.feed(bytes("more")).code() == k.error);  // stays failed
  }
}

TEST_CASE("ws codec: RFC 6455 §5.7 examples") {
  SUBCASE("a single-frame unmasked text message") {
    ClientCodec c(options(false));
    open(c);
    REQUIRE(c.feed(Vec{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    CHECK(drain(c) == std::vector<std::string>{"text:Hello", "=need_more"});
  }
  SUBCASE("a single-frame masked text message is what the client sends for that key") {
    ClientCodec c(options(false));
    open(c);
    REQUIRE(c.send_text("Hello", MaskKey{0x37, 0xfa, 0x21, 0x3d}));
    CHECK(Vec(c.data().begin(), c.data().end()) ==
          Vec{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  }
  SUBCASE("a fragmented unmasked text message") {
    ClientCodec c(options(false));
    open(c);
    REQUIRE(c.feed(Vec{0x01, 0x03, 0x48, 0x65, 0x6c}));
    CHECK(drain(c) == std::vector<std::string>{"=need_more"});
    REQUIRE(c.feed(Vec{0x80, 0x02, 0x6c, 0x6f}));
    CHECK(drain(c) == std::vector<std::string>{"text:Hello", "=need_more"});
  }
  SUBCASE("an unmasked ping is answered with a masked pong carrying its payload") {
    ClientCodec c(options());
    open(c);
    REQUIRE(c.feed(Vec{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
    CHECK(drain(c) == std::vector<std::string>{"ping:Hello", "=need_more"});
    CHECK(client_frames(c.data()) == std::vector<std::string>{"10:Hello"});
    CHECK((c.data()[0] == 0x8a && c.data()[1] == 0x85));
  }
  SUBCASE("the masked pong example") {
    ClientCodec c(options());
    open(c);
    REQUIRE(c.send_pong(bytes("Hello"), MaskKey{0x37, 0xfa, 0x21, 0x3d}));
    CHECK(Vec(c.data().begin(), c.data().end()) ==
          Vec{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
  }
  SUBCASE("256 bytes and 64 KiB binary messages in single unmasked frames") {
    ClientCodec c(options());
    open(c);
    std::string small(256, '\0');
    for (std::size_t i = 0; i < small.size(); ++i) small[i] = static_cast<char>(i);
    const std::string big(65536, 'z');
    const Vec f1 = frame(0x82, small);
    const Vec f2 = frame(0x82, big);
    CHECK(Vec(f1.begin(), f1.begin() + 4) == Vec{0x82, 0x7E, 0x01, 0x00});
    CHECK(Vec(f2.begin(), f2.begin() + 10) == Vec{0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00});
    REQUIRE(c.feed(cat({f1, f2})));
    Event ev;
    REQUIRE(c.next(ev) == ReadStep::event);
    CHECK(ev.type == EventType::binary);
    CHECK(str(ev.payload) == small);
    REQUIRE(c.next(ev) == ReadStep::event);
    CHECK(ev.type == EventType::binary);
    CHECK(str(ev.payload) == big);
    CHECK(c.next(ev) == ReadStep::need_more);
    CHECK(c.buffered() == 0);
  }
}

TEST_CASE("ws codec: an unfragmented message is handed out without a copy into a message buffer") {
  ClientCodec c(options());
  open(c);
  REQUIRE(c.feed(cat({frame(0x82, "first"), frame(0x82, "second")})));
  Event a;
  Event b;
  REQUIRE(c.next(a) == ReadStep::event);
  REQUIRE(c.next(b) == ReadStep::event);
  // Both views point into the one receive buffer, back to back with the second frame's 2-byte header between them.
  CHECK(b.payload.data() == a.payload.data() + a.payload.size() + 2);
}

namespace {

// Several frames, fragments with a ping between them, a UTF-8 character split across text fragments, empty
// messages, a 16-bit length, a non-minimal 64-bit length, a pong, and a close.
Vec sample_stream() {
  Vec s(kResponse.begin(), kResponse.end());
  const std::string med(300, 'm');
  const Vec parts = cat({
      frame(0x82, "abc"),
      frame(0x02, "frag1-"),
      frame(0x89, "are you there"),
      frame(0x00, "frag2-"),
      frame(0x80, "frag3"),
      frame(0x82, ""),
      frame(0x01, "h\xC3"),
      frame(0x80, "\xA9llo"),
      frame(0x8A, "pong!"),
      frame(0x82, med),
      Vec{0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 3, 'x', 'y', 'z'},
      frame(0x02, ""),
      frame(0x80, "late"),
      frame(0x88, close_body(1000, "bye")),
  });
  s.insert(s.end(), parts.begin(), parts.end());
  return s;
}

}  // namespace

TEST_CASE("ws codec: the sample stream gives the expected events and replies") {
  const Vec s = sample_stream();
  const Run r = run(s, {});
  const std::vector<std::string> expected = {"open:",
                                             "binary:abc",
                                             "ping:are you there",
                                             "binary:frag1-frag2-frag3",
                                             "binary:",
                                             "text:h\xC3\xA9llo",
                                             "pong:pong!",
                                             "binary:" + std::string(300, 'm'),
                                             "binary:xyz",
                                             "binary:late",
                                             "close:" + close_body(1000, "bye"),
                                             "=closed"};
  CHECK(r.events == expected);
  CHECK(r.state == State::closed);
  CHECK(client_frames(r.output) == std::vector<std::string>{"10:are you there", "8:" + close_body(1000)});
}

TEST_CASE("ws codec: the same events and output for a split at every offset") {
  const Vec s = sample_stream();
  const Run expected = run(s, {});
  for (std::size_t cut = 0; cut <= s.size(); ++cut) {
    CAPTURE(cut);
    const Run r = run(s, {cut});
    CHECK(r.events == expected.events);
    CHECK(r.output == expected.output);
  }
}

TEST_CASE("ws codec: the same events and output for random chunkings, including one byte at a time") {
  const Vec s = sample_stream();
  const Run expected = run(s, {});
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < s.size(); ++i) every.push_back(i);
  const Run bytewise = run(s, every);
  CHECK(bytewise.events == expected.events);
  CHECK(bytewise.output == expected.output);
  std::mt19937 rng(4321);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::size_t> cuts;
    for (std::size_t at = 1 + rng() % 50; at < s.size(); at += 1 + rng() % (round % 2 ? 5 : 120)) cuts.push_back(at);
    const Run r = run(s, cuts);
    CHECK(r.events == expected.events);
    CHECK(r.output == expected.output);
  }
}

namespace {

struct Failure {
  std::vector<std::string> events;
  ErrorCode error;                // the codec's error().code(): the rule that failed
  std::vector<std::string> sent;  // frames the codec queued (its Close)
  std::size_t buffered;
};

Failure fail_with(const Vec& frames, ClientOptions o = options(false)) {
  ClientCodec c(std::move(o));
  open(c);
  (void)c.feed(frames);
  Failure f{drain(c), c.error().code(), client_frames(c.data()), c.buffered()};
  CHECK(c.state() == State::failed);
  CHECK(c.feed(frames).code() == f.error);  // stays failed
  Event ev;
  CHECK(c.next(ev) == ReadStep::error);
  return f;
}

std::string sent_close(std::uint16_t code, ErrorCode e) { return "8:" + close_body(code, ws_error_name(e)); }

}  // namespace

TEST_CASE("ws codec: each frame rule fails the connection with its own error and a Close") {
  struct Case {
    Vec bytes;
    ErrorCode error;
    std::uint16_t close;
  };
  const std::vector<Case> cases = {
      {Vec{0x82, 0x85, 1, 2, 3, 4, 'a', 'b', 'c', 'd', 'e'}, ErrorCode::ws_masked_frame, 1002},
      {Vec{0xC2, 0x00}, ErrorCode::ws_reserved_bits, 1002},
      {Vec{0xA2, 0x00}, ErrorCode::ws_reserved_bits, 1002},
      {Vec{0x92, 0x00}, ErrorCode::ws_reserved_bits, 1002},
      {Vec{0x83, 0x00}, ErrorCode::ws_reserved_opcode, 1002},
      {Vec{0x8B, 0x00}, ErrorCode::ws_reserved_opcode, 1002},
      {Vec{0x09, 0x00}, ErrorCode::ws_fragmented_control, 1002},
      {cat({frame(0x02, "a"), Vec{0x08, 0x00}}), ErrorCode::ws_fragmented_control, 1002},
      {frame(0x89, std::string(126, 'p')), ErrorCode::ws_control_too_long, 1002},
      {frame(0x88, std::string(200, 'c')), ErrorCode::ws_control_too_long, 1002},
      {frame(0x80, "x"), ErrorCode::ws_continuation_without_start, 1002},
      {frame(0x00, "x"), ErrorCode::ws_continuation_without_start, 1002},
      {cat({frame(0x82, "whole"), frame(0x80, "x")}), ErrorCode::ws_continuation_without_start, 1002},
      {cat({frame(0x02, "a"), frame(0x82, "b")}), ErrorCode::ws_data_frame_inside_message, 1002},
      {cat({frame(0x02, "a"), frame(0x01, "b")}), ErrorCode::ws_data_frame_inside_message, 1002},
      {Vec{0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}, ErrorCode::ws_length_msb_set, 1002},
      {Vec{0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, ErrorCode::ws_message_too_big, 1009},
      {frame(0x88, "\x03"), ErrorCode::ws_bad_close_payload, 1002},
      {frame(0x88, close_body(1000, "\xC3\x28")), ErrorCode::ws_bad_close_reason, 1007},
      {frame(0x81, "\xC3\x28"), ErrorCode::ws_bad_text_payload, 1007},
      {cat({frame(0x01, "ok"), frame(0x80, "\xED\xA0\x80")}), ErrorCode::ws_bad_text_payload, 1007},
  };
  for (const auto& k : cases) {
    CAPTURE(ws_error_name(k.error));
    const Failure f = fail_with(k.bytes);
    CHECK(f.error == k.error);
    CHECK(std::string(error_name(f.error)) == "EWEBSOCKET");
    REQUIRE_FALSE(f.events.empty());
    CHECK(f.events.back() == std::string("=error:") + ws_error_name(k.error));
    CHECK(f.sent == std::vector<std::string>{sent_close(k.close, k.error)});
  }
}

TEST_CASE("ws codec: a 2^63-ish length fails at once, with nothing allocated or awaited for it") {
  // Only the header has arrived: the codec must not wait for (or reserve) 9.2 EB of payload.
  const Failure f = fail_with(Vec{0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0});
  CHECK(f.error == ErrorCode::ws_message_too_big);
  CHECK(f.buffered == 10);
}

TEST_CASE("ws codec: max_message_size bounds whole messages, fragments included") {
  const Failure single = fail_with(frame(0x82, std::string(11, 'a')), options(false, 10));
  CHECK(single.error == ErrorCode::ws_message_too_big);
  // Exactly at the limit is fine, in one frame or in fragments.
  {
    ClientCodec c(options(false, 10));
    open(c);
    REQUIRE(
        c.feed(cat({frame(0x82, std::string(10, 'a')), frame(0x02, "12345"), frame(0x89, "p"), frame(0x80, "67890")})));
    CHECK(drain(c) == std::vector<std::string>{"binary:aaaaaaaaaa", "ping:p", "binary:1234567890", "=need_more"});
  }
  const Failure frag =
      fail_with(cat({frame(0x02, "123456"), frame(0x00, "789"), frame(0x80, "01")}), options(false, 10));
  CHECK(frag.error == ErrorCode::ws_message_too_big);
}

TEST_CASE("ws codec: text frames are refused for the Postgres tunnel by default") {
  const Failure f = fail_with(frame(0x81, "Hello"), options());
  CHECK(f.error == ErrorCode::ws_text_refused);
  CHECK(f.sent == std::vector<std::string>{sent_close(1003, ErrorCode::ws_text_refused)});
  const Failure frag = fail_with(frame(0x01, ""), options());  // even an empty first fragment
  CHECK(frag.error == ErrorCode::ws_text_refused);
}

TEST_CASE("ws codec: the server's Close is parsed, echoed and ends the stream") {
  for (std::uint16_t code : std::initializer_list<std::uint16_t>{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011,
                                                                 1012, 1013, 1014, 3000, 4999}) {
    CAPTURE(code);
    ClientCodec c(options());
    open(c);
    REQUIRE(c.feed(frame(0x88, close_body(code, "r\xC3\xA9sum\xC3\xA9"))));
    Event ev;
    REQUIRE(c.next(ev) == ReadStep::event);
    CHECK(ev.type == EventType::close);
    CHECK(c.close_code() == code);
    CHECK(c.close_reason() == "r\xC3\xA9sum\xC3\xA9");
    CHECK(c.state() == State::closed);
    CHECK(client_frames(c.data()) == std::vector<std::string>{"8:" + close_body(code)});
    CHECK(c.next(ev) == ReadStep::closed);
    c.clear();
    // Nothing follows a Close: more bytes are dropped, nothing is sent.
    CHECK(c.feed(frame(0x82, "late")));
    CHECK(c.next(ev) == ReadStep::closed);
    CHECK(c.send_binary(bytes("x")).code() == ErrorCode::closed);
    CHECK(c.close().code() == ErrorCode::closed);
    CHECK(c.empty());
  }
  for (std::uint16_t code :
       std::initializer_list<std::uint16_t>{0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
    CAPTURE(code);
    const Failure f = fail_with(frame(0x88, close_body(code)));
    CHECK(f.error == ErrorCode::ws_bad_close_code);
    CHECK(f.sent == std::vector<std::string>{sent_close(1002, ErrorCode::ws_bad_close_code)});
  }
  SUBCASE("an empty Close reports 1005 and is answered with an empty Close") {
    ClientCodec c(options());
    open(c);
    REQUIRE(c.feed(Vec{0x88, 0x00}));
    CHECK(drain(c) == std::vector<std::string>{"close:", "=closed"});
    CHECK(c.close_code() == close_code::no_status);
    CHECK(client_frames(c.data()) == std::vector<std::string>{"8:"});
  }
}

TEST_CASE("ws codec: the client begins the close handshake") {
  ClientCodec c(options());
  open(c);
  REQUIRE(c.close(1000, "bye", MaskKey{0x37, 0xfa, 0x21, 0x3d}));
  CHECK(Vec(c.data().begin(), c.data().end()) ==
        Vec{0x88, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x03 ^ 0x37, 0xe8 ^ 0xfa, 'b' ^ 0x21, 'y' ^ 0x3d, 'e' ^ 0x37});
  CHECK(c.state() == State::closing);
  c.clear();
  CHECK(c.send_binary(bytes("x")).code() == ErrorCode::closed);
  CHECK(c.close().code() == ErrorCode::closed);
  // Data still arrives until the server's Close; pings are no longer answered (§5.5.1); its Close is not echoed.
  REQUIRE(c.feed(cat({frame(0x82, "in flight"), frame(0x89, "p"), frame(0x88, close_body(1000))})));
  CHECK(drain(c) == std::vector<std::string>{"binary:in flight", "ping:p", "close:" + close_body(1000), "=closed"});
  CHECK(c.close_code() == 1000);
  CHECK(c.state() == State::closed);
  CHECK(c.empty());
}

TEST_CASE("ws codec: close() and sends check their arguments") {
  ClientCodec c(options());
  open(c);
  for (std::uint16_t code : std::initializer_list<std::uint16_t>{0, 1004, 1005, 1006, 1015, 2000, 5000}) {
    CAPTURE(code);
    CHECK(c.close(code).code() == ErrorCode::invalid_argument);
  }
  CHECK(c.close(1000, std::string(124, 'r')).code() == ErrorCode::invalid_argument);
  CHECK(c.close(1000, "\xFF").code() == ErrorCode::invalid_argument);
  CHECK(c.send_ping(Vec(126, 0)).code() == ErrorCode::invalid_argument);
  CHECK(c.send_pong(Vec(126, 0)).code() == ErrorCode::invalid_argument);
  CHECK(c.send_text("\xC3").code() == ErrorCode::invalid_argument);
  CHECK(c.empty());
  CHECK(c.state() == State::open);
  REQUIRE(c.send_ping(Vec(125, 'p')));
  REQUIRE(c.close(4000, std::string(123, 'r')));
  CHECK(client_frames(c.data()) ==
        std::vector<std::string>{"9:" + std::string(125, 'p'), "8:" + close_body(4000, std::string(123, 'r'))});
}

TEST_CASE("ws codec: client data frames are masked with keys from the random source") {
  ClientCodec c(options());
  open(c);
  const Vec big(70000, 0x5A);
  REQUIRE(c.send_binary(bytes("hi")));
  REQUIRE(c.send_binary(big));
  REQUIRE(c.send_binary({}));
  const auto frames = client_frames(c.data());
  REQUIRE(frames.size() == 3);
  CHECK(frames[0] == "2:hi");
  CHECK(frames[1] == "2:" + std::string(big.begin(), big.end()));
  CHECK(frames[2] == "2:");
  // The nonce was passed in, so the first mask key is the source's first four bytes.
  CHECK(Vec(c.data().begin(), c.data().begin() + 6) == Vec{0x82, 0x82, 1, 2, 3, 4});
}

TEST_CASE("ws codec: without a random source, explicit masks work and automatic replies fail the codec") {
  ClientCodec c;  // no random source
  REQUIRE(c.start(request(), sample_nonce()));
  c.clear();
  REQUIRE(c.feed(bytes(kResponse)));
  Event ev;
  REQUIRE(c.next(ev) == ReadStep::event);
  CHECK(c.send_binary(bytes("x")).code() == ErrorCode::invalid_state);
  CHECK(c.send_binary(bytes("x"), MaskKey{9, 9, 9, 9}));
  c.clear();
  REQUIRE(c.feed(frame(0x89, "p")));
  CHECK(c.next(ev) == ReadStep::error);
  CHECK(c.error().code() == ErrorCode::invalid_state);
  CHECK(c.state() == State::failed);
}
