#include "edgepg/ws/client_codec.hpp"

#include <utility>

namespace edgepg::ws {
namespace {

Bytes bytes_of(std::string_view s) noexcept { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

Status not_open(State s) {
  if (s == State::idle || s == State::handshake) {
    return {ErrorCode::invalid_state, "the WebSocket handshake has not completed (RFC 6455 §4.1: no frames before it)"};
  }
  return {ErrorCode::closed, "the WebSocket is closing, closed or failed: no more frames may be sent"};
}

Status no_random(const char* what) {
  return {ErrorCode::invalid_state, std::string("no random bytes for the ") + what +
                                        ": pass one, or set ClientOptions::random (RFC 6455 §5.3 needs fresh masks)"};
}

}  // namespace

ClientCodec::ClientCodec(ClientOptions options) : options_(std::move(options)) {}

bool ClientCodec::draw_mask(MaskKey& key) {
  return options_.random && options_.random(std::span<std::uint8_t>(key.data(), key.size()));
}

Status ClientCodec::start(const HandshakeRequest& request, std::optional<Nonce> nonce) {
  if (state_ != State::idle) return {ErrorCode::invalid_state, "the WebSocket handshake was started already"};
  if (!nonce) {
    Nonce n{};
    if (!options_.random || !options_.random(std::span<std::uint8_t>(n.data(), n.size()))) {
      return no_random("Sec-WebSocket-Key nonce");
    }
    nonce = n;
  }
  const std::string key = websocket_key(*nonce);
  std::string text;
  if (auto s = build_handshake_request(request, key, text); !s) return s;
  out_.insert(out_.end(), text.begin(), text.end());
  handshake_.emplace(key, request.protocols, options_.max_handshake_size);
  state_ = State::handshake;
  return {};
}

Status ClientCodec::feed(Bytes chunk) {
  switch (state_) {
    case State::failed:
      return error_;
    case State::idle:
      return {ErrorCode::invalid_state, "feed() before start(): no WebSocket handshake was sent"};
    case State::closed:
      return {};  // §5.5.1: nothing follows the server's Close; drop it
    case State::handshake: {
      Bytes rest;
      const HandshakeStep step = handshake_->feed(chunk, rest);
      if (step == HandshakeStep::need_more) return {};
      if (step == HandshakeStep::error) {
        error_ = handshake_->error();
        state_ = State::failed;
        return error_;
      }
      protocol_ = handshake_->protocol();
      handshake_.reset();
      state_ = State::open;
      open_pending_ = true;
      chunk = rest;  // the first bytes of the frame stream may share a read with the headers
      break;
    }
    case State::open:
    case State::closing:
      break;
  }
  // Drop what was handed out already, then append. Payloads of earlier events become invalid here, as documented.
  if (pos_ > 0) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
    release_if_large(buf_);
  }
  buf_.insert(buf_.end(), chunk.begin(), chunk.end());
  return {};
}

ReadStep ClientCodec::fail(ErrorCode e, const std::string& detail) {
  std::string msg = ws_error_message(e);
  if (!detail.empty()) msg.append(": ").append(detail);
  // §7.1.7: fail the WebSocket connection, telling the server why in a Close if we have not sent one yet.
  if ((state_ == State::open || state_ == State::closing) && !close_sent_) {
    MaskKey key{};
    if (const std::uint16_t code = ws_error_close_code(e); code != 0 && draw_mask(key)) {
      std::string body{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
      body.append(ws_error_name(e));
      encode_frame(out_, Opcode::close, true, bytes_of(body), key);
      close_sent_ = true;
    }
  }
  error_ = Status(e, std::move(msg));
  state_ = State::failed;
  return ReadStep::error;
}

ReadStep ClientCodec::fail_status(Status s) {
  error_ = std::move(s);
  state_ = State::failed;
  return ReadStep::error;
}

ReadStep ClientCodec::next(Event& out) {
  if (state_ == State::failed) return ReadStep::error;
  if (open_pending_) {
    open_pending_ = false;
    out = {EventType::open, {}};
    return ReadStep::event;
  }
  if (state_ == State::idle || state_ == State::handshake) return ReadStep::need_more;
  if (state_ == State::closed) return ReadStep::closed;

  for (;;) {
    const Bytes avail(buf_.data() + pos_, buf_.size() - pos_);
    FrameHeader h;
    const HeaderDecode d = decode_frame_header(avail, Role::server, h);
    if (d.step == DecodeStep::need_more) return ReadStep::need_more;
    if (d.step == DecodeStep::error) return fail(d.error);

    if (!is_control(h.opcode)) {
      // §5.4's order, text refused (the Postgres tunnel is binary), the size limit: before the payload is awaited.
      std::string detail;
      const ErrorCode e = reassembly_.admit(h, options_.refuse_text, options_.max_message_size, detail);
      if (e != ErrorCode::ok) return fail(e, detail);
    }
    if (avail.size() - d.header_size < h.payload_length) return ReadStep::need_more;
    const auto len = static_cast<std::size_t>(h.payload_length);
    const Bytes payload = avail.subspan(d.header_size, len);
    pos_ += d.header_size + len;

    switch (h.opcode) {
      case Opcode::ping: {
        // §5.5.2/§5.5.3: answer with a pong carrying the same payload, unless we are closing (§5.5.1).
        if (!close_sent_) {
          MaskKey key{};
          if (!draw_mask(key)) return fail_status(no_random("pong's mask key"));
          encode_frame(out_, Opcode::pong, true, payload, key);
        }
        out = {EventType::ping, payload};
        return ReadStep::event;
      }
      case Opcode::pong: {
        out = {EventType::pong, payload};
        return ReadStep::event;
      }
      case Opcode::close: {
        std::uint16_t code = 0;
        std::string_view reason;
        if (const ErrorCode e = parse_close_payload(payload, code, reason); e != ErrorCode::ok) {
          return fail(e, e == ErrorCode::ws_bad_close_code ? "code " + std::to_string(code) : std::string{});
        }
        close_code_ = code;
        close_reason_ = std::string(reason);
        // §5.5.1: reply with a Close, typically echoing the status code, unless we sent one already.
        if (!close_sent_) {
          MaskKey key{};
          if (!draw_mask(key)) return fail_status(no_random("Close reply's mask key"));
          const std::uint8_t echo[2] = {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code & 0xFF)};
          encode_frame(out_, Opcode::close, true, code == close_code::no_status ? Bytes{} : Bytes(echo), key);
          close_sent_ = true;
        }
        state_ = State::closed;
        reassembly_.reset();
        out = {EventType::close, payload};
        return ReadStep::event;
      }
      case Opcode::continuation:
      case Opcode::text:
      case Opcode::binary:
        break;
    }

    Opcode opcode = Opcode::binary;
    Bytes message;
    if (!reassembly_.add(h, payload, opcode, message)) continue;
    if (opcode == Opcode::text && !valid_utf8(message)) return fail(ErrorCode::ws_bad_text_payload);
    out = {opcode == Opcode::text ? EventType::text : EventType::binary, message};
    return ReadStep::event;
  }
}

Status ClientCodec::send(Opcode op, Bytes payload, std::optional<MaskKey> mask) {
  if (state_ != State::open) return not_open(state_);
  if (is_control(op) && payload.size() > max_control_payload) {
    return {ErrorCode::invalid_argument, "a ping or pong payload is limited to 125 bytes (RFC 6455 §5.5)"};
  }
  if (!mask) {
    MaskKey key{};
    if (!draw_mask(key)) return no_random("frame's mask key");
    mask = key;
  }
  // §5.3: every client frame is masked.
  encode_frame(out_, op, true, payload, mask);
  return {};
}

Status ClientCodec::send_binary(Bytes payload, std::optional<MaskKey> mask) {
  return send(Opcode::binary, payload, mask);
}

Status ClientCodec::send_text(std::string_view text, std::optional<MaskKey> mask) {
  // §8.1: text frames carry UTF-8.
  if (!valid_utf8(bytes_of(text)))
    return {ErrorCode::invalid_argument, "send_text(): the text is not UTF-8 (RFC 6455 §8.1)"};
  return send(Opcode::text, bytes_of(text), mask);
}

Status ClientCodec::send_ping(Bytes payload, std::optional<MaskKey> mask) { return send(Opcode::ping, payload, mask); }

Status ClientCodec::send_pong(Bytes payload, std::optional<MaskKey> mask) { return send(Opcode::pong, payload, mask); }

Status ClientCodec::close(std::uint16_t code, std::string_view reason, std::optional<MaskKey> mask) {
  if (state_ != State::open) return not_open(state_);
  // §7.4: only codes that may appear on the wire; §5.5: the body fits in 125 bytes; §5.5.1: the reason is UTF-8.
  if (!is_valid_close_code(code)) {
    return {ErrorCode::invalid_argument, "close(): code " + std::to_string(code) +
                                             " may not be sent (RFC 6455 §7.4: 1000-1003, 1007-1014, 3000-4999)"};
  }
  if (reason.size() > max_close_reason) {
    return {ErrorCode::invalid_argument, "close(): the reason is limited to 123 bytes (RFC 6455 §5.5)"};
  }
  if (!valid_utf8(bytes_of(reason)))
    return {ErrorCode::invalid_argument, "close(): the reason is not UTF-8 (RFC 6455 §5.5.1)"};
  std::string body{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  body.append(reason);
  if (auto s = send(Opcode::close, bytes_of(body), mask); !s) return s;
  close_sent_ = true;
  state_ = State::closing;
  return {};
}

}  // namespace edgepg::ws
