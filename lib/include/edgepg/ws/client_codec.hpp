// A sans-IO RFC 6455 client: the opening handshake, then frames both ways. Bytes from the socket go in by any
// chunking (feed), events come out (next), bytes to send accumulate in one output buffer the caller drains
// (data/clear), like pg::FrontendWriter. No sockets, no clock; randomness (the handshake nonce, mask keys) is an
// input: given per call, or drawn from ClientOptions::random.
//
//   ClientCodec ws({.random = my_random});
//   ws.start(request);                        // data() now holds the GET request
//   ... send(ws.data()); ws.clear(); ws.feed(received) ...
//   Event ev;
//   while (ws.next(ev) == ReadStep::event) { if (ev.type == EventType::binary) use(ev.payload); }
//   ws.send_binary(bytes);                    // a masked frame appended to data()
//
// Incoming rules: the handshake (see handshake.hpp), the frame header rules (see frame.hpp), then fragmentation
// (§5.4), ClientOptions::max_message_size, text refusal, UTF-8 of text and close reasons (§8.1, §5.5.1), and close
// codes (§7.4).
// Pings are answered with a pong carrying the same payload (§5.5.2), queued in data(). A Close from the server is
// answered with a Close echoing its code (§5.5.1) and ends the stream (state closed). Any broken rule fails the
// codec for good: next() returns error, error().code() is the rule (a ws_* ErrorCode, named EWEBSOCKET; see
// frame.hpp), and when the WebSocket was open data() also holds a Close with 1002/1003/1007/1009 telling the server
// why: send it, then close the socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/status.hpp"
#include "edgepg/ws/frame.hpp"
#include "edgepg/ws/handshake.hpp"
#include "edgepg/ws/reassembly.hpp"

namespace edgepg::ws {

inline constexpr std::size_t default_max_message_size = 64u * 1024u * 1024u;

// Fills the span with cryptographically secure random bytes; false if it could not.
using RandomSource = std::function<bool(std::span<std::uint8_t>)>;

struct ClientOptions {
  // Messages (the sum of their fragments) above this fail with ErrorCode::ws_message_too_big before any allocation.
  std::size_t max_message_size = default_max_message_size;
  // The Postgres tunnel is binary: a text frame fails the codec with ErrorCode::ws_text_refused (and a 1003 Close).
  bool refuse_text = true;
  // Limit of the server's handshake response header section.
  std::size_t max_handshake_size = default_max_handshake_size;
  // Where mask keys come from when a call does not pass one, and always for the automatic pong and Close replies.
  // Without it those replies fail the codec with ErrorCode::invalid_state.
  RandomSource random;
};

enum class State {
  idle,       // start() not called yet
  handshake,  // the request is out; waiting for the server's 101
  open,       // frames flow both ways
  closing,    // we sent a Close; waiting for the server's
  closed,     // the close handshake is done (either side began it): close the socket
  failed,     // a rule was broken; see error()
};

enum class EventType {
  open,    // the handshake succeeded (protocol() holds the chosen subprotocol)
  binary,  // a whole binary message
  text,    // a whole text message, valid UTF-8 (only with refuse_text = false)
  ping,    // a ping arrived; its pong is already queued
  pong,    // a pong arrived
  close,   // the server's Close arrived (payload: its raw body); see close_code() / close_reason(); the reply,
           // if due, is queued
};

struct Event {
  EventType type = EventType::binary;
  // The message or control payload. For an unfragmented message it points into the receive buffer (no copy);
  // for a fragmented one into the reassembly buffer. Valid until the next call to feed() or next().
  Bytes payload;
};

enum class ReadStep { event, need_more, closed, error };

class ClientCodec {
 public:
  explicit ClientCodec(ClientOptions options = {});

  // Queues the handshake request (idle -> handshake). The nonce behind Sec-WebSocket-Key comes from `nonce`, or
  // from ClientOptions::random. Errors: invalid_state (not idle, or no randomness), invalid_argument (see
  // build_handshake_request; the codec stays idle).
  Status start(const HandshakeRequest& request, std::optional<Nonce> nonce = std::nullopt);

  // Appends received bytes. Payloads handed out by next() before this call become invalid. After the close
  // handshake, further bytes are discarded (§5.5.1: nothing follows a Close). Returns error() once failed, and
  // invalid_state before start().
  Status feed(Bytes chunk);

  // The next event; need_more when the buffered bytes end inside a frame (or the handshake); closed after the close
  // event; error once failed (see error()).
  ReadStep next(Event& out);

  // Queue one masked frame (FIN set). The mask key is `mask` or drawn from ClientOptions::random. Errors: invalid_state
  // unless open (before the handshake completes, after close(), after a failure) or without a mask source;
  // invalid_argument for a ping/pong above 125 bytes or text that is not UTF-8.
  Status send_binary(Bytes payload, std::optional<MaskKey> mask = std::nullopt);
  Status send_text(std::string_view text, std::optional<MaskKey> mask = std::nullopt);
  Status send_ping(Bytes payload, std::optional<MaskKey> mask = std::nullopt);
  Status send_pong(Bytes payload, std::optional<MaskKey> mask = std::nullopt);
  // Begins the close handshake (open -> closing); the server's Close then ends it. The code must be valid on the
  // wire (§7.4: 1000-1003, 1007-1014, 3000-4999) and the reason UTF-8 of at most 123 bytes, else invalid_argument.
  Status close(std::uint16_t code = close_code::normal, std::string_view reason = {},
               std::optional<MaskKey> mask = std::nullopt);

  // Bytes to send, in order: the handshake request, frames, automatic pongs and Close replies.
  [[nodiscard]] std::span<const std::uint8_t> data() const noexcept { return out_; }
  [[nodiscard]] bool empty() const noexcept { return out_.empty(); }
  void clear() noexcept { out_.clear(); }

  [[nodiscard]] State state() const noexcept { return state_; }
  [[nodiscard]] const Status& error() const noexcept { return error_; }
  // The server's Close: its code (1005 if it carried none; 0 before a Close arrived) and UTF-8 reason.
  [[nodiscard]] std::uint16_t close_code() const noexcept { return close_code_; }
  [[nodiscard]] const std::string& close_reason() const noexcept { return close_reason_; }
  // The subprotocol the server chose in its 101 (empty if none).
  [[nodiscard]] const std::string& protocol() const noexcept { return protocol_; }
  // Bytes received and not yet handed out as events.
  [[nodiscard]] std::size_t buffered() const noexcept { return buf_.size() - pos_; }

 private:
  ReadStep fail(ErrorCode e, const std::string& detail = {});
  ReadStep fail_status(Status s);
  bool draw_mask(MaskKey& key);
  Status send(Opcode op, Bytes payload, std::optional<MaskKey> mask);

  ClientOptions options_;
  State state_ = State::idle;
  std::optional<HandshakeResponseParser> handshake_;
  bool open_pending_ = false;  // the open event is due
  bool close_sent_ = false;

  std::vector<std::uint8_t> buf_;  // received frame bytes
  std::size_t pos_ = 0;            // bytes of buf_ already handed out
  Reassembly reassembly_;          // a fragmented message's pieces so far (§5.4)

  std::vector<std::uint8_t> out_;
  Status error_;
  std::uint16_t close_code_ = 0;
  std::string close_reason_;
  std::string protocol_;
};

}  // namespace edgepg::ws
