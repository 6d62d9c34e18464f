// libFuzzer target: the RFC 6455 client side. The stateless frame-header decoder, Close payloads and UTF-8 checks
// on raw bytes; the handshake response parser under any chunking; and the ClientCodec fed arbitrary server bytes
// (after a valid 101, or from the handshake on), interleaved with its own sends.
#include <string>
#include <vector>

#include "edgepg/ws/client_codec.hpp"
#include "fuzz_util.hpp"

using namespace edgepg;
using namespace edgepg::ws;
using edgepg::fuzz::exact_copy;

namespace {

Nonce fixed_nonce() {
  Nonce n{};
  for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return n;
}

HandshakeRequest request() {
  HandshakeRequest r;
  r.host = "127.0.0.1:6543";
  r.target = "/v1?address=db:5432";
  r.protocols = {"binary"};
  return r;
}

std::string valid_response() {
  const Nonce n = fixed_nonce();
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
         websocket_accept(websocket_key(n)) + "\r\n\r\n";
}

void stateless(Bytes in) {
  for (const Role role : {Role::server, Role::client}) {
    FrameHeader h;
    const HeaderDecode d = decode_frame_header(in, role, h);
    if (d.step == DecodeStep::header) {
      EDGEPG_FUZZ_CHECK(d.header_size >= 2 && d.header_size <= max_header_size && d.header_size <= in.size());
      EDGEPG_FUZZ_CHECK(d.error == ErrorCode::ok);
      EDGEPG_FUZZ_CHECK(!is_control(h.opcode) || (h.fin && h.payload_length <= max_control_payload));
      EDGEPG_FUZZ_CHECK((h.payload_length >> 63) == 0);
      EDGEPG_FUZZ_CHECK(h.masked == (role == Role::client));
    } else if (d.step == DecodeStep::error) {
      EDGEPG_FUZZ_CHECK(d.error != ErrorCode::ok);
      (void)ws_error_name(d.error);
      (void)ws_error_message(d.error);
      (void)error_name(d.error);
    }
  }
  std::uint16_t code = 0;
  std::string_view reason;
  if (parse_close_payload(in, code, reason) == ErrorCode::ok && !in.empty()) {
    EDGEPG_FUZZ_CHECK(is_valid_close_code(code));
    EDGEPG_FUZZ_CHECK(valid_utf8(Bytes(reinterpret_cast<const std::uint8_t*>(reason.data()), reason.size())));
  }
  (void)valid_utf8(in);
}

void handshake(FuzzedDataProvider& fdp, Bytes in) {
  const std::string key = websocket_key(fixed_nonce());
  HandshakeResponseParser p(key, {"binary"}, fdp.ConsumeBool() ? 256 : default_max_handshake_size);
  for (const Bytes part : fuzz::chunks(fdp, in)) {
    const auto copy = exact_copy(part);
    Bytes rest;
    const HandshakeStep step = p.feed(copy, rest);
    if (step == HandshakeStep::done) {
      EDGEPG_FUZZ_CHECK(rest.empty() ||
                        (rest.data() >= copy.data() && rest.data() + rest.size() == copy.data() + copy.size()));
      (void)p.header("sec-websocket-protocol");
      break;
    }
    if (step == HandshakeStep::error) {
      EDGEPG_FUZZ_CHECK(!p.error().ok());
      break;
    }
  }
}

void codec(FuzzedDataProvider& fdp, bool open_first) {
  ClientOptions o;
  o.max_message_size = fdp.ConsumeBool() ? 1024 : default_max_message_size;
  o.refuse_text = fdp.ConsumeBool();
  o.random = [n = std::uint8_t{0}](std::span<std::uint8_t> out) mutable {
    for (auto& b : out) b = ++n;
    return true;
  };
  const std::size_t max_message = o.max_message_size;
  ClientCodec c(std::move(o));
  EDGEPG_FUZZ_CHECK(c.start(request(), fixed_nonce()).ok());
  c.clear();
  if (open_first) {
    const std::string r = valid_response();
    EDGEPG_FUZZ_CHECK(c.feed(fuzz::bytes_of(r)).ok());
    Event ev;
    EDGEPG_FUZZ_CHECK(c.next(ev) == ReadStep::event && ev.type == EventType::open);
  }
  while (fdp.remaining_bytes() > 0) {
    const int action = fdp.ConsumeIntegralInRange<int>(0, 7);
    if (action == 0) {
      const auto payload = fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(0, 200));
      switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
        case 0:
          (void)c.send_binary(payload);
          break;
        case 1:
          (void)c.send_ping(payload);
          break;
        case 2:
          (void)c.send_text(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
          break;
        default:
          (void)c.close(fdp.ConsumeIntegral<std::uint16_t>(),
                        std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
          break;
      }
      c.clear();
      continue;
    }
    const auto chunk = exact_copy(fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(1, 300)));
    if (!c.feed(chunk).ok()) {
      EDGEPG_FUZZ_CHECK(c.state() == State::failed || c.state() == State::idle);
      break;
    }
    Event ev;
    for (;;) {
      const ReadStep step = c.next(ev);
      if (step == ReadStep::need_more || step == ReadStep::closed) break;
      if (step == ReadStep::error) {
        EDGEPG_FUZZ_CHECK(c.state() == State::failed && !c.error().ok());
        EDGEPG_FUZZ_CHECK(c.next(ev) == ReadStep::error);
        return;
      }
      if (ev.type == EventType::binary || ev.type == EventType::text)
        EDGEPG_FUZZ_CHECK(ev.payload.size() <= max_message);
      if (ev.type == EventType::ping || ev.type == EventType::pong || ev.type == EventType::close) {
        EDGEPG_FUZZ_CHECK(ev.payload.size() <= max_control_payload);
      }
      if (ev.type == EventType::text) EDGEPG_FUZZ_CHECK(valid_utf8(ev.payload));
      // Touch every payload byte: ASan reports a payload that points outside live memory.
      std::uint8_t sum = 0;
      for (const std::uint8_t b : ev.payload) sum = static_cast<std::uint8_t>(sum + b);
      (void)sum;
    }
    c.clear();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: {
      const auto in = exact_copy(fdp.ConsumeRemainingBytes<std::uint8_t>());
      stateless(in);
      break;
    }
    case 1: {
      const auto seed = fdp.ConsumeBytes<std::uint8_t>(8);
      const auto in = fdp.ConsumeRemainingBytes<std::uint8_t>();
      FuzzedDataProvider split(seed.data(), seed.size());
      handshake(split, in);
      break;
    }
    case 2:
      codec(fdp, true);
      break;
    default:
      codec(fdp, false);
      break;
  }
  return 0;
}
