#include "edgepg/ws/frame.hpp"

#include <cstring>

namespace edgepg::ws {

const char* ws_error_name(ErrorCode e) noexcept {
  switch (e) {
    case ErrorCode::ok:
      return "none";
    case ErrorCode::ws_handshake_too_large:
      return "handshake_too_large";
    case ErrorCode::ws_bad_status_line:
      return "bad_status_line";
    case ErrorCode::ws_bad_status:
      return "bad_status";
    case ErrorCode::ws_bad_header_line:
      return "bad_header_line";
    case ErrorCode::ws_duplicate_header:
      return "duplicate_header";
    case ErrorCode::ws_missing_upgrade:
      return "missing_upgrade";
    case ErrorCode::ws_missing_connection:
      return "missing_connection";
    case ErrorCode::ws_bad_accept:
      return "bad_accept";
    case ErrorCode::ws_unrequested_extension:
      return "unrequested_extension";
    case ErrorCode::ws_unrequested_protocol:
      return "unrequested_protocol";
    case ErrorCode::ws_reserved_bits:
      return "reserved_bits";
    case ErrorCode::ws_reserved_opcode:
      return "reserved_opcode";
    case ErrorCode::ws_fragmented_control:
      return "fragmented_control";
    case ErrorCode::ws_control_too_long:
      return "control_too_long";
    case ErrorCode::ws_masked_frame:
      return "masked_frame";
    case ErrorCode::ws_unmasked_frame:
      return "unmasked_frame";
    case ErrorCode::ws_length_msb_set:
      return "length_msb_set";
    case ErrorCode::ws_continuation_without_start:
      return "continuation_without_start";
    case ErrorCode::ws_data_frame_inside_message:
      return "data_frame_inside_message";
    case ErrorCode::ws_message_too_big:
      return "message_too_big";
    case ErrorCode::ws_bad_close_payload:
      return "bad_close_payload";
    case ErrorCode::ws_bad_close_code:
      return "bad_close_code";
    case ErrorCode::ws_bad_close_reason:
      return "bad_close_reason";
    case ErrorCode::ws_bad_text_payload:
      return "bad_text_payload";
    case ErrorCode::ws_text_refused:
      return "text_refused";
    default:
      return "unknown";  // not a WebSocket rule
  }
}

const char* ws_error_message(ErrorCode e) noexcept {
  switch (e) {
    case ErrorCode::ok:
      return "no error";
    case ErrorCode::ws_handshake_too_large:
      return "the server's handshake response headers exceed the size limit: is this a WebSocket endpoint?";
    case ErrorCode::ws_bad_status_line:
      return "the server's handshake response does not start with an HTTP/1.1 status line (RFC 6455 §4.1)";
    case ErrorCode::ws_bad_status:
      return "the server did not answer the WebSocket handshake with 101 Switching Protocols (RFC 6455 §4.1)";
    case ErrorCode::ws_bad_header_line:
      return "the server's handshake response has a malformed header line (RFC 7230 §3.2)";
    case ErrorCode::ws_duplicate_header:
      return "the server's handshake response repeats a header that must appear once (RFC 6455 §4.1)";
    case ErrorCode::ws_missing_upgrade:
      return "the server's handshake response lacks \"Upgrade: websocket\" (RFC 6455 §4.1 rule 2)";
    case ErrorCode::ws_missing_connection:
      return "the server's handshake response lacks a Connection header with the Upgrade token (RFC 6455 §4.1 rule 3)";
    case ErrorCode::ws_bad_accept:
      return "the server's Sec-WebSocket-Accept is missing or does not match the key sent (RFC 6455 §4.1 rule 4)";
    case ErrorCode::ws_unrequested_extension:
      return "the server chose a WebSocket extension the client did not offer (RFC 6455 §4.1 rule 5)";
    case ErrorCode::ws_unrequested_protocol:
      return "the server chose a subprotocol the client did not offer (RFC 6455 §4.1 rule 6)";
    case ErrorCode::ws_reserved_bits:
      return "the server set RSV bits although no extension was negotiated (RFC 6455 §5.2)";
    case ErrorCode::ws_reserved_opcode:
      return "the server sent a frame with a reserved opcode (RFC 6455 §5.2)";
    case ErrorCode::ws_fragmented_control:
      return "the server sent a fragmented control frame (RFC 6455 §5.5)";
    case ErrorCode::ws_control_too_long:
      return "the server sent a control frame with a payload above 125 bytes (RFC 6455 §5.5)";
    case ErrorCode::ws_masked_frame:
      return "the server sent a masked frame; servers must not mask (RFC 6455 §5.1)";
    case ErrorCode::ws_unmasked_frame:
      return "a client frame arrived unmasked; clients must mask (RFC 6455 §5.1)";
    case ErrorCode::ws_length_msb_set:
      return "the server sent a 64-bit payload length with its most significant bit set (RFC 6455 §5.2)";
    case ErrorCode::ws_continuation_without_start:
      return "the server sent a continuation frame with no fragmented message open (RFC 6455 §5.4)";
    case ErrorCode::ws_data_frame_inside_message:
      return "the server started a new message before finishing a fragmented one (RFC 6455 §5.4)";
    case ErrorCode::ws_message_too_big:
      return "the server's WebSocket message exceeds the maximum message size (raise maxMessageSize if expected)";
    case ErrorCode::ws_bad_close_payload:
      return "the server sent a Close frame with a one-byte payload (RFC 6455 §5.5.1)";
    case ErrorCode::ws_bad_close_code:
      return "the server sent a Close status code that must not appear on the wire (RFC 6455 §7.4)";
    case ErrorCode::ws_bad_close_reason:
      return "the server sent a Close reason that is not UTF-8 (RFC 6455 §5.5.1)";
    case ErrorCode::ws_bad_text_payload:
      return "the server sent a text message that is not UTF-8 (RFC 6455 §8.1)";
    case ErrorCode::ws_text_refused:
      return "the server sent a text frame; the Postgres tunnel carries binary frames only (refuse_text)";
    default:
      return "unknown WebSocket error";
  }
}

std::uint16_t ws_error_close_code(ErrorCode e) noexcept {
  switch (e) {
    case ErrorCode::ok:
    case ErrorCode::ws_handshake_too_large:
    case ErrorCode::ws_bad_status_line:
    case ErrorCode::ws_bad_status:
    case ErrorCode::ws_bad_header_line:
    case ErrorCode::ws_duplicate_header:
    case ErrorCode::ws_missing_upgrade:
    case ErrorCode::ws_missing_connection:
    case ErrorCode::ws_bad_accept:
    case ErrorCode::ws_unrequested_extension:
    case ErrorCode::ws_unrequested_protocol:
      return 0;
    case ErrorCode::ws_message_too_big:
      return close_code::too_big;
    case ErrorCode::ws_bad_close_reason:
    case ErrorCode::ws_bad_text_payload:
      return close_code::invalid_payload;
    case ErrorCode::ws_text_refused:
      return close_code::unsupported_data;
    default:
      return is_ws_error(e) ? close_code::protocol_error : 0;
  }
}

HeaderDecode decode_frame_header(Bytes in, Role sender, FrameHeader& out) noexcept {
  HeaderDecode r;
  if (in.size() < 2) return r;
  const std::uint8_t b0 = in[0];
  const std::uint8_t b1 = in[1];
  out.fin = (b0 & 0x80) != 0;
  out.rsv1 = (b0 & 0x40) != 0;
  out.rsv2 = (b0 & 0x20) != 0;
  out.rsv3 = (b0 & 0x10) != 0;
  const std::uint8_t op = b0 & 0x0F;
  out.masked = (b1 & 0x80) != 0;
  const std::uint8_t len7 = b1 & 0x7F;
  auto fail = [&r](ErrorCode e) {
    r.step = DecodeStep::error;
    r.error = e;
    return r;
  };

  // §5.2: RSV1-3 MUST be 0 unless an extension defining them was negotiated (we negotiate none).
  if (out.rsv1 || out.rsv2 || out.rsv3) return fail(ErrorCode::ws_reserved_bits);
  // §5.2: an unknown opcode MUST fail the connection.
  if (!is_known_opcode(op)) return fail(ErrorCode::ws_reserved_opcode);
  out.opcode = static_cast<Opcode>(op);
  if (is_control(out.opcode)) {
    // §5.5: control frames MUST NOT be fragmented.
    if (!out.fin) return fail(ErrorCode::ws_fragmented_control);
    // §5.5: control frames MUST have a payload length of 125 bytes or less.
    if (len7 > max_control_payload) return fail(ErrorCode::ws_control_too_long);
  }
  // §5.1: a server MUST NOT mask; a client MUST mask.
  if (sender == Role::server && out.masked) return fail(ErrorCode::ws_masked_frame);
  if (sender == Role::client && !out.masked) return fail(ErrorCode::ws_unmasked_frame);

  const std::size_t ext = len7 == length_16bit ? 2 : len7 == length_64bit ? 8 : 0;
  const std::size_t size = 2 + ext + (out.masked ? 4 : 0);
  if (in.size() < size) return r;
  const std::uint8_t* p = in.data() + 2;
  if (ext == 0) {
    out.payload_length = len7;
  } else {
    std::uint64_t len = 0;
    for (std::size_t i = 0; i < ext; ++i) len = (len << 8) | p[i];
    // §5.2: in the 64-bit form the most significant bit MUST be 0.
    if (ext == 8 && (len >> 63) != 0) return fail(ErrorCode::ws_length_msb_set);
    out.payload_length = len;  // §5.2 asks for the minimal encoding; we accept longer ones from the server
    p += ext;
  }
  if (out.masked)
    std::memcpy(out.mask.data(), p, 4);
  else
    out.mask = {};
  r.step = DecodeStep::header;
  r.header_size = size;
  return r;
}

void encode_frame(std::vector<std::uint8_t>& out, Opcode op, bool fin, Bytes payload,
                  const std::optional<MaskKey>& mask) {
  const std::uint64_t len = payload.size();
  const std::size_t start = out.size();
  out.resize(start + frame_header_size(len, mask.has_value()) + payload.size());
  std::uint8_t* p = out.data() + start;
  *p++ = static_cast<std::uint8_t>((fin ? 0x80 : 0x00) | static_cast<std::uint8_t>(op));
  const std::uint8_t mask_bit = mask ? 0x80 : 0x00;
  if (len < length_16bit) {
    *p++ = static_cast<std::uint8_t>(mask_bit | len);
  } else if (len <= 0xFFFF) {
    *p++ = static_cast<std::uint8_t>(mask_bit | length_16bit);
    *p++ = static_cast<std::uint8_t>(len >> 8);
    *p++ = static_cast<std::uint8_t>(len);
  } else {
    *p++ = static_cast<std::uint8_t>(mask_bit | length_64bit);
    for (int shift = 56; shift >= 0; shift -= 8) *p++ = static_cast<std::uint8_t>(len >> shift);
  }
  if (mask) {
    std::memcpy(p, mask->data(), 4);
    p += 4;
  }
  if (!payload.empty()) std::memcpy(p, payload.data(), payload.size());
  if (mask) apply_mask(std::span<std::uint8_t>(p, payload.size()), *mask);
}

void apply_mask(std::span<std::uint8_t> data, const MaskKey& key, std::size_t offset) noexcept {
  // §5.3: octet i of the payload is XORed with octet (i mod 4) of the key. Rotate the key to `offset`, then work
  // eight bytes at a time (memcpy keeps it free of alignment and aliasing assumptions).
  std::uint8_t k[8];
  for (std::size_t i = 0; i < 8; ++i) k[i] = key[(offset + i) % 4];
  std::uint64_t k64 = 0;
  std::memcpy(&k64, k, 8);
  std::size_t i = 0;
  std::uint8_t* d = data.data();
  for (; i + 8 <= data.size(); i += 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, d + i, 8);
    v ^= k64;
    std::memcpy(d + i, &v, 8);
  }
  for (; i < data.size(); ++i) d[i] = static_cast<std::uint8_t>(d[i] ^ k[i % 8]);
}

bool valid_utf8(Bytes data) noexcept {
  const std::size_t n = data.size();
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t c = data[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint8_t lo = 0x80;
    std::uint8_t hi = 0xBF;  // bounds of the second byte, tightened to exclude overlongs and surrogates
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // U+D800..U+DFFF
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (n - i < len) return false;
    if (data[i + 1] < lo || data[i + 1] > hi) return false;
    for (std::size_t j = 2; j < len; ++j) {
      if ((data[i + j] & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

ErrorCode parse_close_payload(Bytes payload, std::uint16_t& code, std::string_view& reason) noexcept {
  reason = {};
  // §7.1.5: a Close without a body reports "no status received".
  if (payload.empty()) {
    code = close_code::no_status;
    return ErrorCode::ok;
  }
  // §5.5.1: if there is a body, its first two bytes are the status code.
  if (payload.size() == 1) return ErrorCode::ws_bad_close_payload;
  code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
  // §7.4: 1005, 1006, 1015 and the unassigned ranges must not be on the wire.
  if (!is_valid_close_code(code)) return ErrorCode::ws_bad_close_code;
  // §5.5.1: the rest is a UTF-8 reason.
  const Bytes text = payload.subspan(2);
  if (!valid_utf8(text)) return ErrorCode::ws_bad_close_reason;
  reason = std::string_view(reinterpret_cast<const char*>(text.data()), text.size());
  return ErrorCode::ok;
}

}  // namespace edgepg::ws
