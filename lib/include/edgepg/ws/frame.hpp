// RFC 6455 framing as plain data and free functions over bytes: the opcode enum, the frame header, the RFC's
// constants, a header decoder that checks each stateless rule in the RFC's order, an encoder, and one named error
// per rule. Nothing here does I/O or keeps state between calls; client_codec.hpp adds the stateful rules
// (fragmentation, message size, the close handshake).
//
//   FrameHeader h;
//   const HeaderDecode d = decode_frame_header(bytes, Role::server, h);
//   if (d.step == DecodeStep::header) { payload = bytes.subspan(d.header_size, h.payload_length) ... }
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "edgepg/status.hpp"

namespace edgepg::ws {

using Bytes = std::span<const std::uint8_t>;
using MaskKey = std::array<std::uint8_t, 4>;

// RFC-sized constants.
inline constexpr std::size_t max_header_size = 14;       // §5.2: 2 + 8 (64-bit length) + 4 (mask key)
inline constexpr std::size_t max_control_payload = 125;  // §5.5: all control frames
inline constexpr std::size_t max_close_reason = 123;     // §5.5: 125 minus the 2-byte status code
inline constexpr std::uint8_t length_16bit = 126;        // §5.2: a 16-bit extended length follows
inline constexpr std::uint8_t length_64bit = 127;        // §5.2: a 64-bit extended length follows
inline constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // §1.3

// §5.2 / §11.8. Values 3-7 and 0xB-0xF are reserved.
enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Who sent a frame: the masking rule (§5.1) depends on it.
enum class Role { client, server };

// §7.4.1 status codes (and §11.7's registered ones). 1005, 1006 and 1015 are for reporting only, never on the wire.
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;        // reported when a Close carries no code (§7.1.5)
inline constexpr std::uint16_t abnormal = 1006;         // reported when no Close arrived (§7.1.5)
inline constexpr std::uint16_t invalid_payload = 1007;  // e.g. text that is not UTF-8
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t service_restart = 1012;
inline constexpr std::uint16_t try_again_later = 1013;
inline constexpr std::uint16_t bad_gateway = 1014;
inline constexpr std::uint16_t tls_handshake = 1015;
}  // namespace close_code

constexpr bool is_control(Opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

// §5.2: the opcodes this version of the protocol defines.
constexpr bool is_known_opcode(std::uint8_t op) noexcept { return op <= 0x2 || (op >= 0x8 && op <= 0xA); }

// §7.4: may this code appear in a Close frame on the wire? 1000-1003 and 1007-1014 (1004 is reserved; 1005, 1006
// and 1015 are for reporting only), 3000-4999 (libraries, frameworks, applications). Everything else is not.
constexpr bool is_valid_close_code(std::uint16_t code) noexcept {
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

// One error code per rule: the ws_* block of edgepg::ErrorCode (edgepg/error_code.hpp), all named EWEBSOCKET. A
// codec's error().code() is the rule that failed; these functions say more about it.
//
// The rule's short name ("reserved_bits"): the reason of the Close frame a client codec sends when it fails.
const char* ws_error_name(ErrorCode e) noexcept;
// The rule, in words, naming the RFC section.
const char* ws_error_message(ErrorCode e) noexcept;
// The status code to send in the Close that fails the connection (§7.4.1): 1002, 1003, 1007 or 1009;
// 0 for handshake errors (there is no WebSocket connection to close yet) and for codes that are no ws rule.
std::uint16_t ws_error_close_code(ErrorCode e) noexcept;

struct FrameHeader {
  bool fin = true;
  bool rsv1 = false;
  bool rsv2 = false;
  bool rsv3 = false;
  Opcode opcode = Opcode::binary;
  bool masked = false;
  MaskKey mask{};
  std::uint64_t payload_length = 0;
};

enum class DecodeStep { header, need_more, error };

struct HeaderDecode {
  DecodeStep step = DecodeStep::need_more;
  std::size_t header_size = 0;      // bytes of the header when step == header
  ErrorCode error = ErrorCode::ok;  // the rule broken when step == error
};

// Decodes the frame header at the start of `in` (the payload need not be there yet) and checks the stateless rules
// in order: RSV bits (§5.2), reserved opcodes (§5.2), fragmented control frames (§5.5), control payload above 125
// (§5.5), the masking rule for `sender` (§5.1: servers never mask, clients always do), the 64-bit length's MSB
// (§5.2). A non-minimal length encoding is accepted. need_more when `in` ends inside the header. Never allocates.
HeaderDecode decode_frame_header(Bytes in, Role sender, FrameHeader& out) noexcept;

// Size of the header encode_frame() writes for this payload length.
constexpr std::size_t frame_header_size(std::uint64_t payload_length, bool masked) noexcept {
  const std::size_t base = payload_length < length_16bit ? 2 : payload_length <= 0xFFFF ? 4 : 10;
  return base + (masked ? 4 : 0);
}

// Appends one frame (FIN as given, RSV 0, the minimal length encoding) with `payload` masked by `mask` when it is
// set, as a client must (§5.3). The caller keeps the rules: control frames ≤ 125 bytes and with FIN.
void encode_frame(std::vector<std::uint8_t>& out, Opcode op, bool fin, Bytes payload,
                  const std::optional<MaskKey>& mask);

// XORs `data` with the mask key (§5.3), starting at byte `offset` of the masked payload. Its own inverse.
void apply_mask(std::span<std::uint8_t> data, const MaskKey& key, std::size_t offset = 0) noexcept;

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(Bytes data) noexcept;

// Splits a Close payload (§5.5.1): empty means no code (reported as 1005); one byte is ws_bad_close_payload; a code
// that must not be on the wire is ws_bad_close_code; a reason that is not UTF-8 is ws_bad_close_reason; else ok.
ErrorCode parse_close_payload(Bytes payload, std::uint16_t& code, std::string_view& reason) noexcept;

}  // namespace edgepg::ws
