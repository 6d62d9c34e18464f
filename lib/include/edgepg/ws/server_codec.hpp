// The RFC 6455 server role, sans-IO: after the opening handshake (upgrade_request.hpp parses the client's request,
// upgrade_response.hpp builds the 101 or the refusal; both are included here), ServerCodec reads the client's
// frames and writes the server's. Bytes from the socket go in by any chunking (feed), events come out (next), bytes
// to send accumulate in one output buffer the caller drains (data/clear). No sockets, no clock, no randomness: a
// server never masks (§5.1).
//
//   ServerCodec ws;                        // once the 101 is sent; feed it the handshake's `rest` first
//   ws.feed(received);
//   ServerEvent ev;
//   while (ws.next(ev) == ServerStep::event) { if (ev.type == ServerEventType::binary) use(ev.payload); }
//   ws.send_binary(bytes);                 // an unmasked frame appended to data()
//   ... send(ws.data()); ws.clear() ...
//
// Incoming rules, in order: the frame header (frame.hpp's decode_frame_header with the client as sender: RSV bits 0
// (§5.2), no reserved opcode (§5.2), control frames unfragmented and at most 125 bytes (§5.5), the MASK bit set
// (§5.1), the 64-bit length's top bit clear (§5.2)); then fragmentation (§5.4: continuations only inside a message,
// no new data frame inside one), ServerOptions::max_message_size (checked on each frame header, before its payload
// is awaited or buffered), text refusal, UTF-8 of text messages (§8.1) and of close reasons (§5.5.1), close codes
// (§7.4). Payloads are unmasked in place (§5.3).
//
// Pings are answered with a pong carrying the same payload, queued in data() (§5.5.2, §5.5.3), and reported as a
// ping event. A Close from the client is answered with a Close echoing its code (§5.5.1) and ends the stream (state
// closed): send data(), then close the TCP connection (§7.1.1: the server closes it first). Any broken rule fails
// the codec for good: next() returns error, error().code() is the rule (a ws_* ErrorCode, named EWEBSOCKET: see
// edgepg/error_code.hpp and frame.hpp; ws_message_too_big for sizes, ws_text_refused for refused text,
// ws_unmasked_frame for an unmasked frame, ...), error().message() words it for a server, and data() also holds a Close
// with 1002, 1003, 1007 or 1009 (ws_error_close_code) and the rule's ws_error_name() telling the client why, unless a
// Close was sent already: send it, then close the socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/status.hpp"
#include "edgepg/ws/frame.hpp"
#include "edgepg/ws/reassembly.hpp"
#include "edgepg/ws/upgrade_request.hpp"
#include "edgepg/ws/upgrade_response.hpp"

namespace edgepg::ws {

inline constexpr std::size_t default_server_max_message_size = 64u * 1024u * 1024u;

struct ServerOptions {
  // Messages (the sum of their fragments) above this fail with ErrorCode::ws_message_too_big and a 1009 Close,
  // before any byte of them is buffered beyond the frame header.
  std::size_t max_message_size = default_server_max_message_size;
  // The Postgres tunnel is binary: a text frame fails the codec with ErrorCode::ws_text_refused and a 1003 Close. With
  // false, text messages are delivered as ServerEventType::text after a UTF-8 check (§8.1: invalid UTF-8 fails with
  // ws_bad_text_payload and 1007).
  bool refuse_text = true;
  // §5.5.2: a ping is answered with a pong carrying its payload, "as soon as practical". true: the codec queues the
  // pong in data() itself. false: the ping event is the caller's cue to call send_pong(payload) (e.g. to rate-limit).
  bool auto_pong = true;
};

enum class ServerState {
  open,     // frames flow both ways
  closing,  // we sent a Close; waiting for the client's
  closed,   // the close handshake is done (either side began it): send data(), close the socket
  failed,   // a rule was broken; see error()
};

enum class ServerEventType {
  binary,  // a whole binary message
  text,    // a whole text message, valid UTF-8 (only with refuse_text = false)
  ping,    // a ping arrived; its pong is already queued in data() with auto_pong (never while closing), else due
  pong,    // a pong arrived (an answer to send_ping, or unsolicited: §5.5.3 allows it)
  close,   // the client's Close (payload: its raw body); see close_code() / close_reason(); the reply, if due, is
           // queued
};

struct ServerEvent {
  ServerEventType type = ServerEventType::binary;
  // The unmasked message or control payload. For an unfragmented message it points into the receive buffer (no
  // copy); for a fragmented one into the reassembly buffer. Valid until the next call to feed() or next().
  Bytes payload;
};

enum class ServerStep { event, need_more, closed, error };

class ServerCodec {
 public:
  explicit ServerCodec(ServerOptions options = {}) : options_(options) {}

  // Appends received bytes. Payloads handed out by next() before this call become invalid. After the close
  // handshake, further bytes are discarded (§5.5.1: nothing follows a Close). Returns error() once failed.
  Status feed(Bytes chunk);

  // The next event; need_more when the buffered bytes end inside a frame; closed after the close event; error once
  // failed (see error()).
  ServerStep next(ServerEvent& out);

  // Queue one unmasked frame with FIN set (§5.1: a server must not mask). Errors: ErrorCode::closed unless open (after
  // close(), the client's Close, or a failure); invalid_argument for a ping/pong above 125 bytes (§5.5) or text that
  // is not UTF-8 (§8.1).
  Status send_binary(Bytes payload);
  Status send_text(std::string_view text);
  Status send_ping(Bytes payload);
  Status send_pong(Bytes payload);
  // Begins the close handshake (open -> closing); the client's Close then ends it. The code must be valid on the
  // wire (§7.4: 1000-1003, 1007-1014, 3000-4999) and the reason UTF-8 of at most 123 bytes, else invalid_argument;
  // ErrorCode::closed unless open.
  Status close(std::uint16_t code = close_code::normal, std::string_view reason = {});

  // Bytes to send, in order: frames, automatic pongs and Close replies.
  [[nodiscard]] std::span<const std::uint8_t> data() const noexcept { return out_; }
  [[nodiscard]] bool empty() const noexcept { return out_.empty(); }
  void clear() noexcept { out_.clear(); }
  // Hands the bytes to send over by swapping buffers (no copy): `into` gets them, the codec keeps `into`'s old
  // storage, emptied, for what it queues next.
  void take_data(std::vector<std::uint8_t>& into) noexcept {
    into.clear();
    into.swap(out_);
  }

  [[nodiscard]] ServerState state() const noexcept { return state_; }
  [[nodiscard]] const Status& error() const noexcept { return error_; }
  // The client's Close: its code (1005 if it carried none; 0 before a Close arrived) and UTF-8 reason.
  [[nodiscard]] std::uint16_t close_code() const noexcept { return close_code_; }
  [[nodiscard]] const std::string& close_reason() const noexcept { return close_reason_; }
  // Bytes received and not yet handed out as events.
  [[nodiscard]] std::size_t buffered() const noexcept { return buf_.size() - pos_; }

 private:
  ServerStep fail(ErrorCode e, const std::string& detail = {});
  Status send(Opcode op, Bytes payload);

  ServerOptions options_;
  ServerState state_ = ServerState::open;
  bool close_sent_ = false;

  std::vector<std::uint8_t> buf_;  // received frame bytes (payloads unmasked in place once whole)
  std::size_t pos_ = 0;            // bytes of buf_ already handed out
  Reassembly reassembly_;          // a fragmented message's pieces so far (§5.4)

  std::vector<std::uint8_t> out_;
  Status error_;
  std::uint16_t close_code_ = 0;
  std::string close_reason_;
};

}  // namespace edgepg::ws
