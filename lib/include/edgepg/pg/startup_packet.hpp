// The server side of the PostgreSQL startup phase: the client's first packets, which carry no type byte (an int32
// length that counts itself, then an int32 code). Bytes go in by any chunking, whole packets come out.
//
//   StartupParser p;
//   p.feed(chunk);
//   StartupPacket pkt;
//   switch (p.next(pkt)) {
//     case StartupStep::packet:   // pkt.kind says which; answer SSLRequest with 'S'/'N' (BackendWriter), ...
//     case StartupStep::finished: // after a StartupMessage or CancelRequest: take_remaining() -> FrontendParser
//     case StartupStep::need_more: case StartupStep::error: ...
//   }
//
// Codes and layouts: protocol-message-formats.html (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) and
// protocol-flow.html; limits and checks after PostgreSQL's ProcessStartupPacket (src/backend/tcop/backend_startup.c).
//
// Errors from next() (the parser then stays failed; answer with a FATAL ErrorResponse and close):
//   ErrorCode::message_too_large  a length above max_length (10,000 bytes after the length word by default,
//                                 PostgreSQL's MAX_STARTUP_PACKET_LENGTH); nothing is buffered for it
//   ErrorCode::protocol           a length below 8; an SSLRequest/GSSENCRequest that is not exactly 8 bytes; a
//                                 second SSLRequest or GSSENCRequest; bytes sent after an SSLRequest/GSSENCRequest
//                                 before its answer (CVE-2021-23214: they would be trusted as if they came through
//                                 TLS); a CancelRequest whose secret key is not 4 to 256 bytes; a StartupMessage
//                                 parameter name without a value, a missing final terminator or bytes after it, a
//                                 repeated parameter name, a missing or empty "user"
//   ErrorCode::unsupported        a protocol major version other than 3, or an unknown 1234.x request code
// Messages never quote parameter values (they may carry credentials, e.g. in "options").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edgepg/status.hpp"

namespace edgepg::pg {

// Request codes (protocol-message-formats.html): 1234 in the high 16 bits, 5678-5680 in the low ones.
namespace startup_code {
inline constexpr std::int32_t cancel_request = 80877102;  // 1234.5678
inline constexpr std::int32_t ssl_request = 80877103;     // 1234.5679
inline constexpr std::int32_t gssenc_request = 80877104;  // 1234.5680
inline constexpr std::int32_t protocol_3_0 = 196608;      // 3 << 16 | 0
}  // namespace startup_code

// PostgreSQL's MAX_STARTUP_PACKET_LENGTH: the bytes of a startup packet after its length word.
inline constexpr std::size_t default_max_startup_length = 10000;
// protocol-message-formats.html, CancelRequest and BackendKeyData: the secret key is 4 bytes in protocol 3.0 and
// 4 to 256 bytes in 3.2.
inline constexpr std::size_t min_cancel_key_length = 4;
inline constexpr std::size_t max_cancel_key_length = 256;
// A TLS record of type handshake: the first byte of a ClientHello. PostgreSQL 17's direct TLS (sslnegotiation=
// direct) begins a connection with it instead of an SSLRequest.
inline constexpr std::uint8_t tls_handshake_record = 0x16;

enum class StartupKind {
  ssl_request,     // answer 'S' (then run TLS on the socket) or 'N' (then go on in the clear)
  gssenc_request,  // answer 'N' unless GSSAPI encryption is implemented
  cancel_request,  // CancelRequest: cancel.process_id / cancel.secret_key; close the connection afterwards
  startup,         // StartupMessage: startup.*
  direct_tls,      // the connection's first byte is 0x16: a TLS ClientHello (direct TLS); nothing was consumed,
                   // remaining() holds the bytes for the TLS layer (PostgreSQL requires ALPN "postgresql" there)
};

struct StartupMessage {
  std::uint16_t minor_version = 0;  // the requested protocol is 3.<minor_version>
  // Name/value pairs as received (names unique and non-empty, values maybe empty), without the "_pq_." ones.
  std::vector<std::pair<std::string, std::string>> parameters;
  // "_pq_."-prefixed protocol options (protocol extensions), as received. PostgreSQL (18 included) recognises none.
  std::vector<std::pair<std::string, std::string>> protocol_options;

  // The value of a parameter by exact name.
  [[nodiscard]] std::optional<std::string_view> parameter(std::string_view name) const;
  // "user": never empty after a successful parse.
  [[nodiscard]] std::string_view user() const;
  // "database", or the user name when absent (PostgreSQL's default).
  [[nodiscard]] std::string_view database() const;
};

struct CancelRequest {
  std::int32_t process_id = 0;
  std::vector<std::uint8_t> secret_key;  // 4 bytes (protocol 3.0) to 256 bytes (3.2)
};

struct StartupPacket {
  StartupKind kind = StartupKind::startup;
  StartupMessage startup;  // kind == startup
  CancelRequest cancel;    // kind == cancel_request
};

// Whether a StartupMessage must be answered with NegotiateProtocolVersion (protocol-flow.html, "Protocol versions"):
// the client asked for a minor version above `newest_minor` or sent "_pq_." options (none is recognised here).
// The answer is BackendWriter::negotiate_protocol_version(min(requested, newest_minor), option names).
bool needs_protocol_negotiation(const StartupMessage& message, std::uint16_t newest_minor) noexcept;

enum class StartupStep {
  packet,     // `out` holds the next packet
  need_more,  // the buffered bytes end inside a packet
  finished,   // a StartupMessage or CancelRequest was handed out earlier: the startup phase is over
  error,      // see error(); the parser stays failed
};

class StartupParser {
 public:
  explicit StartupParser(std::size_t max_length = default_max_startup_length) : max_length_(max_length) {}

  // Appends a chunk. Call next() until need_more before the next feed(): the buffer then holds at most one partial
  // packet (its length checked) plus the chunk. Returns error() once failed, and ErrorCode::invalid_state (without
  // failing the parser) once finished: later bytes belong to a FrontendParser.
  Status feed(std::span<const std::uint8_t> chunk);
  // The next packet; see StartupStep. After a StartupMessage or CancelRequest it returns finished and consumes
  // nothing more. After an SSLRequest or GSSENCRequest, bytes already buffered behind it are an error (see above):
  // the client must wait for the one-byte answer.
  StartupStep next(StartupPacket& out);

  [[nodiscard]] const Status& error() const noexcept { return error_; }
  // Bytes received and not consumed: after finished, the first frontend messages (feed them to a FrontendParser);
  // after direct_tls, the TLS ClientHello.
  [[nodiscard]] std::span<const std::uint8_t> remaining() const noexcept {
    return {buf_.data() + pos_, buf_.size() - pos_};
  }
  // remaining(), moved out; the buffer is left empty. After direct_tls: hand them to the TLS layer, then feed the
  // decrypted bytes here (the packets inside TLS follow; an SSLRequest there is refused, as after 'S').
  std::vector<std::uint8_t> take_remaining();

 private:
  StartupStep fail(ErrorCode code, std::string message);
  StartupStep decode(std::span<const std::uint8_t> body, StartupPacket& out);

  std::size_t max_length_;
  std::vector<std::uint8_t> buf_;
  std::size_t pos_ = 0;
  bool any_packet_ = false;  // a packet (or direct TLS) was handed out: 0x16 no longer means TLS
  bool ssl_seen_ = false;
  bool gssenc_seen_ = false;
  bool finished_ = false;
  Status error_;
};

}  // namespace edgepg::pg
