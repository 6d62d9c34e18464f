// libFuzzer target: the RFC 6455 server role (ws/server_codec.hpp). Three modes, picked by the first byte:
//   0  an upgrade request under any chunking (the same result as one feed); a request that passes is answered with
//      a 101 that the client side's HandshakeResponseParser accepts; a refused one gets a well-formed error
//      response; a bearer token the harness plants never reaches a message (fuzz_util.hpp's leak oracle)
//   1  raw client bytes into ServerCodec under any chunking (the same events, output and state as one feed), with
//      the bounds every event keeps and the server's output checked to be unmasked, well-formed frames
//   2  round trips: a scripted client stream (fragments, interleaved control frames, masks, a Close) comes out of
//      ServerCodec as the messages that went in; the server's frames come out of ClientCodec the same way
#include <algorithm>
#include <string>
#include <vector>

#include "edgepg/ws/client_codec.hpp"
#include "edgepg/ws/server_codec.hpp"
#include "fuzz_util.hpp"

using namespace edgepg;
using namespace edgepg::ws;
using edgepg::fuzz::exact_copy;

namespace {

std::string text(Bytes b) { return std::string(fuzz::text_of(b)); }
Bytes bytes(std::string_view s) { return fuzz::bytes_of(s); }

// ---- mode 0: the upgrade request ----

struct UpgradeRun {
  HandshakeStep step = HandshakeStep::need_more;
  UpgradeError error = UpgradeError::none;
  std::string message;
  UpgradeRequest request;
  std::string after;  // bytes not consumed once done
};

UpgradeRun run_upgrade(const std::vector<Bytes>& parts, std::size_t max) {
  UpgradeRequestParser p(max);
  UpgradeRun r;
  for (const Bytes part : parts) {
    const auto copy = exact_copy(part);
    if (r.step == HandshakeStep::done) {
      Bytes rest;
      EDGEPG_FUZZ_CHECK(p.feed(copy, rest) == HandshakeStep::done && rest.empty());
      r.after += text(copy);
      continue;
    }
    Bytes rest;
    r.step = p.feed(copy, rest);
    if (r.step == HandshakeStep::done) {
      EDGEPG_FUZZ_CHECK(rest.empty() ||
                        (rest.data() >= copy.data() && rest.data() + rest.size() == copy.data() + copy.size()));
      r.after = text(rest);
    } else {
      EDGEPG_FUZZ_CHECK(rest.empty());
    }
    if (r.step == HandshakeStep::error) break;
  }
  r.error = p.upgrade_error();
  r.message = p.error().message();
  EDGEPG_FUZZ_CHECK((r.step == HandshakeStep::error) == (r.error != UpgradeError::none));
  if (r.step == HandshakeStep::error) {
    EDGEPG_FUZZ_CHECK(p.error().code() == (r.error == UpgradeError::request_too_large ? ErrorCode::message_too_large
                                                                                      : ErrorCode::protocol));
  }
  r.request = p.request();
  return r;
}

bool same_request(const UpgradeRequest& a, const UpgradeRequest& b) {
  return a.target == b.target && a.host == b.host && a.key == b.key && a.protocols == b.protocols &&
         a.origin == b.origin && a.authorization == b.authorization && a.bearer_token == b.bearer_token &&
         a.headers == b.headers;
}

void check_request(const UpgradeRequest& r, std::string_view input, const fuzz::Secret& secret) {
  EDGEPG_FUZZ_CHECK(!r.target.empty() && r.target.front() == '/');
  EDGEPG_FUZZ_CHECK(r.path().size() <= r.target.size());
  EDGEPG_FUZZ_CHECK(!r.host.empty());
  EDGEPG_FUZZ_CHECK(r.header("sec-websocket-version") == "13");
  for (std::size_t i = 0; i < r.protocols.size(); ++i) {
    for (std::size_t j = i + 1; j < r.protocols.size(); ++j) EDGEPG_FUZZ_CHECK(r.protocols[i] != r.protocols[j]);
  }
  if (r.bearer_token) EDGEPG_FUZZ_CHECK(r.authorization && !r.bearer_token->empty());

  // Query lookups: absent, present, or refused with a message that leaks nothing.
  for (const std::string_view name : {"address", "token", "a"}) {
    std::optional<std::string> v;
    const Status s = r.query_param(name, v);
    if (s.ok()) {
      if (v) EDGEPG_FUZZ_CHECK(v->find('\0') == std::string::npos);
    } else {
      EDGEPG_FUZZ_CHECK(s.code() == ErrorCode::protocol && !v);
      fuzz::check_no_leak(s.message(), input, {{"bearer token", &secret}});
    }
  }

  // The 101, accepted by the client side for the same key and offers.
  std::vector<std::string_view> allowed = {"binary"};
  if (!r.protocols.empty()) allowed.push_back(r.protocols.back());
  std::string response;
  EDGEPG_FUZZ_CHECK(build_accept_response(r, allowed, response).ok());
  HandshakeResponseParser client(r.key, r.protocols);
  Bytes rest;
  EDGEPG_FUZZ_CHECK(client.feed(bytes(response), rest) == HandshakeStep::done && rest.empty());
  const auto chosen = select_protocol(r, allowed);
  EDGEPG_FUZZ_CHECK(client.protocol() == (chosen ? std::string(*chosen) : std::string()));
}

void check_refusal(UpgradeError e) {
  std::string out;
  EDGEPG_FUZZ_CHECK(build_error_response(e, out).ok());
  const std::string status = std::to_string(upgrade_error_status(e));
  EDGEPG_FUZZ_CHECK(out.rfind("HTTP/1.1 " + status + " ", 0) == 0);
  const auto end = out.find("\r\n\r\n");
  EDGEPG_FUZZ_CHECK(end != std::string::npos);
  EDGEPG_FUZZ_CHECK(out.find("Content-Length: " + std::to_string(out.size() - end - 4) + "\r\n") < end);
}

void upgrade(FuzzedDataProvider& fdp) {
  const std::size_t max = fdp.ConsumeBool() ? 256 : default_max_handshake_size;
  const bool plant = fdp.ConsumeBool();
  const auto seed = fdp.ConsumeBytes<std::uint8_t>(8);
  const std::string input = fdp.ConsumeRemainingBytesAsString();
  // The planted token goes after the request line, where a request carries its credentials: in Authorization, in
  // another header and in the query (for "?token=@").
  const fuzz::Secret& secret = fuzz::planted::json_value();
  std::string in = input;
  if (plant) {
    if (const auto eol = in.find("\r\n"); eol != std::string::npos) {
      in.insert(eol + 2, "Authorization: Bearer " + secret.text() + "\r\nX-Api-Key: " + secret.text() + "\r\n");
    }
    for (auto at = in.find("=@"); at != std::string::npos && at < in.find("\r\n"); at = in.find("=@", at)) {
      in.replace(at + 1, 1, secret.text());
    }
  }
  FuzzedDataProvider split(seed.data(), seed.size());
  const UpgradeRun whole = run_upgrade({bytes(in)}, max);
  const UpgradeRun chunked = run_upgrade(fuzz::chunks(split, bytes(in)), max);
  EDGEPG_FUZZ_CHECK(whole.step == chunked.step && whole.error == chunked.error && whole.message == chunked.message);
  fuzz::check_no_leak(whole.message, input, {{"bearer token", &secret}});
  if (whole.step == HandshakeStep::done) {
    EDGEPG_FUZZ_CHECK(same_request(whole.request, chunked.request));
    EDGEPG_FUZZ_CHECK(whole.after == chunked.after);
    check_request(whole.request, input, secret);
  } else if (whole.step == HandshakeStep::error) {
    check_refusal(whole.error);
  }
}

// ---- mode 1: raw client bytes ----

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

struct FrameRun {
  std::vector<std::string> events;
  std::string output;
  ServerState state = ServerState::open;
  ErrorCode error = ErrorCode::ok;
};

// Every frame the server wrote is unmasked and well-formed (§5.1, §5.2).
void check_server_output(Bytes out) {
  while (!out.empty()) {
    FrameHeader h;
    const HeaderDecode d = decode_frame_header(out, Role::server, h);
    EDGEPG_FUZZ_CHECK(d.step == DecodeStep::header && !h.masked);
    EDGEPG_FUZZ_CHECK(out.size() - d.header_size >= h.payload_length);
    out = out.subspan(d.header_size + static_cast<std::size_t>(h.payload_length));
  }
}

FrameRun run_frames(const std::vector<Bytes>& parts, const ServerOptions& o) {
  ServerCodec c(o);
  FrameRun r;
  for (const Bytes part : parts) {
    const auto copy = exact_copy(part);
    if (!c.feed(copy).ok()) {
      EDGEPG_FUZZ_CHECK(c.state() == ServerState::failed);
      break;
    }
    ServerEvent ev;
    ServerStep step;
    while ((step = c.next(ev)) == ServerStep::event) {
      switch (ev.type) {
        case ServerEventType::binary:
        case ServerEventType::text:
          EDGEPG_FUZZ_CHECK(ev.payload.size() <= o.max_message_size);
          break;
        default:
          EDGEPG_FUZZ_CHECK(ev.payload.size() <= max_control_payload);
          break;
      }
      if (ev.type == ServerEventType::text) EDGEPG_FUZZ_CHECK(!o.refuse_text && valid_utf8(ev.payload));
      if (ev.type == ServerEventType::close) {
        EDGEPG_FUZZ_CHECK(c.close_code() == close_code::no_status || is_valid_close_code(c.close_code()));
        EDGEPG_FUZZ_CHECK(c.state() == ServerState::closed);
      }
      r.events.push_back(std::string(name(ev.type)) + ":" + text(ev.payload));
    }
    if (step == ServerStep::error) {
      EDGEPG_FUZZ_CHECK(c.state() == ServerState::failed && !c.error().ok());
      EDGEPG_FUZZ_CHECK(is_ws_error(c.error().code()));
      EDGEPG_FUZZ_CHECK(ws_error_close_code(c.error().code()) != 0);
      EDGEPG_FUZZ_CHECK(c.next(ev) == ServerStep::error);
    }
    // Bounded: at most one partial frame stays buffered beyond what was handed out (a data frame within the
    // message limit, or a control frame of up to 125 bytes).
    EDGEPG_FUZZ_CHECK(c.buffered() < std::max(o.max_message_size, max_control_payload) + max_header_size ||
                      c.state() != ServerState::open);
  }
  r.output = text(c.data());
  check_server_output(c.data());
  r.state = c.state();
  r.error = c.error().code();
  return r;
}

void raw_frames(FuzzedDataProvider& fdp) {
  ServerOptions o;
  o.refuse_text = fdp.ConsumeBool();
  o.auto_pong = fdp.ConsumeBool();
  switch (fdp.ConsumeIntegralInRange<int>(0, 2)) {
    case 0:
      o.max_message_size = 64;
      break;
    case 1:
      o.max_message_size = 1024;
      break;
    default:
      break;
  }
  const auto seed = fdp.ConsumeBytes<std::uint8_t>(8);
  const auto in = fdp.ConsumeRemainingBytes<std::uint8_t>();
  FuzzedDataProvider split(seed.data(), seed.size());
  const FrameRun whole = run_frames({Bytes(in)}, o);
  const FrameRun chunked = run_frames(fuzz::chunks(split, in), o);
  EDGEPG_FUZZ_CHECK(whole.events == chunked.events);
  EDGEPG_FUZZ_CHECK(whole.output == chunked.output);
  EDGEPG_FUZZ_CHECK(whole.state == chunked.state && whole.error == chunked.error);
}

// ---- mode 2: round trips ----

// Printable ASCII from fuzz bytes: valid UTF-8 for text messages and close reasons.
std::string ascii(const std::vector<std::uint8_t>& raw) {
  std::string s;
  for (const std::uint8_t b : raw) s.push_back(static_cast<char>(0x20 + b % 0x5F));
  return s;
}

void round_trip(FuzzedDataProvider& fdp) {
  ServerOptions o;
  o.refuse_text = false;
  std::vector<std::uint8_t> stream;
  std::vector<std::string> expected;                   // server events
  std::string expected_output;                         // the server's automatic pongs and Close reply
  std::vector<std::pair<bool, std::string>> messages;  // (text?, payload) for the way back
  auto mask = [&fdp]() {
    MaskKey k{};
    for (auto& b : k) b = fdp.ConsumeIntegral<std::uint8_t>();
    return k;
  };
  auto control = [&](Opcode op, const std::string& payload) {
    encode_frame(stream, op, true, bytes(payload), mask());
    if (op == Opcode::ping) {
      expected.push_back("ping:" + payload);
      std::vector<std::uint8_t> pong;
      encode_frame(pong, Opcode::pong, true, bytes(payload), std::nullopt);
      expected_output += text(pong);
    } else {
      expected.push_back("pong:" + payload);
    }
  };
  for (int n = 0; n < 16 && fdp.remaining_bytes() > 0; ++n) {
    const int kind = fdp.ConsumeIntegralInRange<int>(0, 3);
    const auto raw = fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(0, 400));
    if (kind >= 2) {  // a control frame
      control(kind == 2 ? Opcode::ping : Opcode::pong, text(Bytes(raw).first(std::min<std::size_t>(raw.size(), 125))));
      continue;
    }
    const bool is_text = kind == 1;
    const std::string payload = is_text ? ascii(raw) : text(raw);
    // Fragments of fuzzed sizes (§5.4), control frames between them.
    const int fragments = fdp.ConsumeIntegralInRange<int>(1, 4);
    std::size_t at = 0;
    for (int f = 0; f < fragments; ++f) {
      const bool last = f == fragments - 1;
      const std::size_t len =
          last ? payload.size() - at : fdp.ConsumeIntegralInRange<std::size_t>(0, payload.size() - at);
      const Opcode op = f == 0 ? (is_text ? Opcode::text : Opcode::binary) : Opcode::continuation;
      encode_frame(stream, op, last, bytes(std::string_view(payload).substr(at, len)), mask());
      at += len;
      if (!last && fdp.ConsumeBool()) control(fdp.ConsumeBool() ? Opcode::ping : Opcode::pong, "c");
    }
    expected.push_back(std::string(is_text ? "text:" : "binary:") + payload);
    messages.emplace_back(is_text, payload);
  }
  if (fdp.ConsumeBool()) {
    static constexpr std::uint16_t codes[] = {1000, 1001, 1008, 1011, 4000};
    const std::uint16_t code = codes[fdp.ConsumeIntegralInRange<std::size_t>(0, 4)];
    const std::string reason = ascii(fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(0, 123)));
    const std::string body = std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)} + reason;
    encode_frame(stream, Opcode::close, true, bytes(body), mask());
    expected.push_back("close:" + body);
    std::vector<std::uint8_t> reply;
    encode_frame(reply, Opcode::close, true, bytes(body.substr(0, 2)), std::nullopt);
    expected_output += text(reply);
  }

  // Client to server, in chunks the rest of the input picks.
  const auto seed = fdp.ConsumeBytes<std::uint8_t>(8);
  FuzzedDataProvider split(seed.data(), seed.size());
  const FrameRun got = run_frames(fuzz::chunks(split, stream, 512), o);
  EDGEPG_FUZZ_CHECK(got.events == expected);
  EDGEPG_FUZZ_CHECK(got.output == expected_output);
  EDGEPG_FUZZ_CHECK(got.error == ErrorCode::ok);

  // Server to client: a ClientCodec past its handshake reads the same messages back.
  ClientOptions co;
  co.refuse_text = false;
  co.random = [n = std::uint8_t{0}](std::span<std::uint8_t> out) mutable {
    for (auto& b : out) b = ++n;
    return true;
  };
  ClientCodec client(std::move(co));
  const Nonce nonce{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  HandshakeRequest req;
  req.host = "gw";
  EDGEPG_FUZZ_CHECK(client.start(req, nonce).ok());
  std::string accept;
  EDGEPG_FUZZ_CHECK(build_accept_response(websocket_key(nonce), std::nullopt, accept).ok());
  EDGEPG_FUZZ_CHECK(client.feed(bytes(accept)).ok());
  Event ev;
  EDGEPG_FUZZ_CHECK(client.next(ev) == ReadStep::event && ev.type == EventType::open);
  ServerCodec server(o);
  std::vector<std::string> sent;
  for (const auto& [is_text, payload] : messages) {
    EDGEPG_FUZZ_CHECK((is_text ? server.send_text(payload) : server.send_binary(bytes(payload))).ok());
    sent.push_back(std::string(is_text ? "text:" : "binary:") + payload);
  }
  EDGEPG_FUZZ_CHECK(server.close(close_code::going_away).ok());
  std::vector<std::string> back;
  for (const Bytes part : fuzz::chunks(split, server.data(), 512)) {
    const auto copy = exact_copy(part);
    EDGEPG_FUZZ_CHECK(client.feed(copy).ok());
    while (client.next(ev) == ReadStep::event) {
      if (ev.type == EventType::close) continue;
      back.push_back(std::string(ev.type == EventType::text ? "text:" : "binary:") + text(ev.payload));
    }
  }
  EDGEPG_FUZZ_CHECK(back == sent);
  EDGEPG_FUZZ_CHECK(client.state() == State::closed && client.close_code() == close_code::going_away);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  switch (fdp.ConsumeIntegralInRange<int>(0, 2)) {
    case 0:
      upgrade(fdp);
      break;
    case 1:
      raw_frames(fdp);
      break;
    default:
      round_trip(fdp);
      break;
  }
  return 0;
}
