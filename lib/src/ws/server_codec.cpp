// RFC 6455 frames, server side: client frames in (masked, §5.1), server frames out (unmasked).
#include "edgepg/ws/server_codec.hpp"

#include <utility>

namespace edgepg::ws {
namespace {

Bytes bytes_of(std::string_view s) noexcept { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// frame.hpp's ws_error_message() words the rules for a client reading a server; these are a server's words.
const char* client_rule_message(ErrorCode e) noexcept {
  switch (e) {
    case ErrorCode::ws_reserved_bits:
      return "the client set RSV bits although no extension was negotiated (RFC 6455 §5.2)";
    case ErrorCode::ws_reserved_opcode:
      return "the client sent a frame with a reserved opcode (RFC 6455 §5.2)";
    case ErrorCode::ws_fragmented_control:
      return "the client sent a fragmented control frame (RFC 6455 §5.5)";
    case ErrorCode::ws_control_too_long:
      return "the client sent a control frame with a payload above 125 bytes (RFC 6455 §5.5)";
    case ErrorCode::ws_unmasked_frame:
      return "the client sent an unmasked frame; clients must mask (RFC 6455 §5.1)";
    case ErrorCode::ws_length_msb_set:
      return "the client sent a 64-bit payload length with its most significant bit set (RFC 6455 §5.2)";
    case ErrorCode::ws_continuation_without_start:
      return "the client sent a continuation frame with no fragmented message open (RFC 6455 §5.4)";
    case ErrorCode::ws_data_frame_inside_message:
      return "the client started a new message before finishing a fragmented one (RFC 6455 §5.4)";
    case ErrorCode::ws_message_too_big:
      return "the client's WebSocket message exceeds the maximum message size";
    case ErrorCode::ws_bad_close_payload:
      return "the client sent a Close frame with a one-byte payload (RFC 6455 §5.5.1)";
    case ErrorCode::ws_bad_close_code:
      return "the client sent a Close status code that must not appear on the wire (RFC 6455 §7.4)";
    case ErrorCode::ws_bad_close_reason:
      return "the client sent a Close reason that is not UTF-8 (RFC 6455 §5.5.1)";
    case ErrorCode::ws_bad_text_payload:
      return "the client sent a text message that is not UTF-8 (RFC 6455 §8.1)";
    case ErrorCode::ws_text_refused:
      return "the client sent a text frame; the Postgres tunnel carries binary frames only (refuse_text)";
    default:
      return ws_error_message(e);
  }
}

Status not_open() {
  return {ErrorCode::closed, "the WebSocket is closing, closed or failed: no more frames may be sent"};
}

}  // namespace

Status ServerCodec::feed(Bytes chunk) {
  switch (state_) {
    case ServerState::failed:
      return error_;
    case ServerState::closed:
      return {};  // §5.5.1: nothing follows the client's Close; drop it
    case ServerState::open:
    case ServerState::closing:
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

ServerStep ServerCodec::fail(ErrorCode e, const std::string& detail) {
  std::string msg = client_rule_message(e);
  if (!detail.empty()) msg.append(": ").append(detail);
  // §7.1.7: fail the WebSocket connection, telling the client why in a Close if we have not sent one yet.
  if (!close_sent_) {
    if (const std::uint16_t code = ws_error_close_code(e); code != 0) {
      std::string body{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
      body.append(ws_error_name(e));
      encode_frame(out_, Opcode::close, true, bytes_of(body), std::nullopt);
      close_sent_ = true;
    }
  }
  error_ = Status(e, std::move(msg));
  state_ = ServerState::failed;
  reassembly_.reset();
  return ServerStep::error;
}

ServerStep ServerCodec::next(ServerEvent& out) {
  if (state_ == ServerState::failed) return ServerStep::error;
  if (state_ == ServerState::closed) return ServerStep::closed;

  for (;;) {
    const std::span<std::uint8_t> avail(buf_.data() + pos_, buf_.size() - pos_);
    FrameHeader h;
    // §5.1: the sender is a client, so the MASK bit must be set; the other header rules in RFC order (frame.hpp).
    const HeaderDecode d = decode_frame_header(avail, Role::client, h);
    if (d.step == DecodeStep::need_more) return ServerStep::need_more;
    if (d.step == DecodeStep::error) return fail(d.error);

    if (!is_control(h.opcode)) {
      // §5.4's order, text refused (the Postgres tunnel is binary), the size limit: before the payload is awaited.
      std::string detail;
      const ErrorCode e = reassembly_.admit(h, options_.refuse_text, options_.max_message_size, detail);
      if (e != ErrorCode::ok) return fail(e, detail);
    }
    if (avail.size() - d.header_size < h.payload_length) return ServerStep::need_more;
    const auto len = static_cast<std::size_t>(h.payload_length);
    const std::span<std::uint8_t> payload = avail.subspan(d.header_size, len);
    // §5.3: unmask in place; the frame is consumed here, so no byte is unmasked twice.
    apply_mask(payload, h.mask);
    pos_ += d.header_size + len;

    switch (h.opcode) {
      case Opcode::ping: {
        // §5.5.2/§5.5.3: answer with a pong carrying the same payload, unless we sent a Close (§5.5.1).
        if (!close_sent_ && options_.auto_pong) encode_frame(out_, Opcode::pong, true, payload, std::nullopt);
        out = {ServerEventType::ping, payload};
        return ServerStep::event;
      }
      case Opcode::pong: {
        out = {ServerEventType::pong, payload};
        return ServerStep::event;
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
          const std::uint8_t echo[2] = {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code & 0xFF)};
          encode_frame(out_, Opcode::close, true, code == close_code::no_status ? Bytes{} : Bytes(echo), std::nullopt);
          close_sent_ = true;
        }
        state_ = ServerState::closed;
        reassembly_.reset();
        out = {ServerEventType::close, payload};
        return ServerStep::event;
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
    out = {opcode == Opcode::text ? ServerEventType::text : ServerEventType::binary, message};
    return ServerStep::event;
  }
}

Status ServerCodec::send(Opcode op, Bytes payload) {
  if (state_ != ServerState::open) return not_open();
  if (is_control(op) && payload.size() > max_control_payload) {
    return {ErrorCode::invalid_argument, "a ping or pong payload is limited to 125 bytes (RFC 6455 §5.5)"};
  }
  // §5.1: a server MUST NOT mask any frames that it sends to the client.
  encode_frame(out_, op, true, payload, std::nullopt);
  return {};
}

Status ServerCodec::send_binary(Bytes payload) { return send(Opcode::binary, payload); }

Status ServerCodec::send_text(std::string_view text) {
  // §8.1: text frames carry UTF-8.
  if (!valid_utf8(bytes_of(text))) {
    return {ErrorCode::invalid_argument, "send_text(): the text is not UTF-8 (RFC 6455 §8.1)"};
  }
  return send(Opcode::text, bytes_of(text));
}

Status ServerCodec::send_ping(Bytes payload) { return send(Opcode::ping, payload); }

Status ServerCodec::send_pong(Bytes payload) { return send(Opcode::pong, payload); }

Status ServerCodec::close(std::uint16_t code, std::string_view reason) {
  if (state_ != ServerState::open) return not_open();
  // §7.4: only codes that may appear on the wire; §5.5: the body fits in 125 bytes; §5.5.1: the reason is UTF-8.
  if (!is_valid_close_code(code)) {
    return {ErrorCode::invalid_argument, "close(): code " + std::to_string(code) +
                                             " may not be sent (RFC 6455 §7.4: 1000-1003, 1007-1014, 3000-4999)"};
  }
  if (reason.size() > max_close_reason) {
    return {ErrorCode::invalid_argument, "close(): the reason is limited to 123 bytes (RFC 6455 §5.5)"};
  }
  if (!valid_utf8(bytes_of(reason))) {
    return {ErrorCode::invalid_argument, "close(): the reason is not UTF-8 (RFC 6455 §5.5.1)"};
  }
  std::string body{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  body.append(reason);
  if (auto s = send(Opcode::close, bytes_of(body)); !s) return s;
  close_sent_ = true;
  state_ = ServerState::closing;
  return {};
}

}  // namespace edgepg::ws
