// Serializer of the backend (server-to-client) messages a PostgreSQL server role needs during startup and
// authentication: the one-byte answers to SSLRequest/GSSENCRequest, Authentication*, ErrorResponse,
// NoticeResponse, ParameterStatus, BackendKeyData, ReadyForQuery and NegotiateProtocolVersion
// (protocol-message-formats.html). Every call appends to one output buffer the caller drains (data/clear), like
// FrontendWriter.
//
// Calls that take strings or bytes return Status: ErrorCode::invalid_argument when a string holds a NUL byte (it would
// end the field early and desynchronise the stream), a field is out of its documented range, or a message would
// exceed the protocol's int32 length; the buffer is then unchanged. The rest cannot fail.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/pg/messages.hpp"
#include "edgepg/status.hpp"

namespace edgepg::pg {

// ErrorResponse severities (protocol-error-fields.html, field S/V).
enum class ErrorSeverity { error, fatal, panic };
// NoticeResponse severities.
enum class NoticeSeverity { warning, notice, debug, info, log };

const char* severity_name(ErrorSeverity s) noexcept;   // "ERROR", "FATAL", "PANIC"
const char* severity_name(NoticeSeverity s) noexcept;  // "WARNING", "NOTICE", "DEBUG", "INFO", "LOG"

// SQLSTATE codes a gateway answers with (errcodes-appendix.html).
namespace sqlstate {
inline constexpr std::string_view connection_failure = "08006";
inline constexpr std::string_view protocol_violation = "08P01";
inline constexpr std::string_view feature_not_supported = "0A000";
inline constexpr std::string_view invalid_authorization_specification = "28000";
inline constexpr std::string_view invalid_password = "28P01";
inline constexpr std::string_view invalid_catalog_name = "3D000";
inline constexpr std::string_view insufficient_privilege = "42501";
inline constexpr std::string_view program_limit_exceeded = "54000";
inline constexpr std::string_view too_many_connections = "53300";
inline constexpr std::string_view query_canceled = "57014";
inline constexpr std::string_view admin_shutdown = "57P01";
inline constexpr std::string_view cannot_connect_now = "57P03";
inline constexpr std::string_view internal_error = "XX000";
}  // namespace sqlstate

// The fields of an ErrorResponse/NoticeResponse this writer sends (besides the severity).
struct Diagnostic {
  std::string_view sqlstate;     // 'C': five characters of 0-9 and A-Z
  std::string_view message;      // 'M': non-empty
  std::string_view detail = {};  // 'D': sent when non-empty
  std::string_view hint = {};    // 'H': sent when non-empty
};

class BackendWriter {
 public:
  // The one-byte answers, without type or length (protocol-flow.html, "SSL Session Encryption" / "GSSAPI Session
  // Encryption"): 'S' or 'N' to an SSLRequest, 'G' or 'N' to a GSSENCRequest.
  void ssl_answer(bool accept);
  void gssenc_answer(bool accept);

  // 'R' messages.
  void authentication_ok();                  // AuthenticationOk (0)
  void authentication_cleartext_password();  // AuthenticationCleartextPassword (3)
  // AuthenticationSASL (10): the mechanism names, each non-empty and without NUL, then the empty terminator.
  // invalid_argument for an empty list.
  Status authentication_sasl(std::span<const std::string_view> mechanisms);
  Status authentication_sasl(std::initializer_list<std::string_view> mechanisms) {
    return authentication_sasl(std::span<const std::string_view>(mechanisms.begin(), mechanisms.size()));
  }
  Status authentication_sasl_continue(Bytes data);  // AuthenticationSASLContinue (11)
  Status authentication_sasl_final(Bytes data);     // AuthenticationSASLFinal (12)

  // ErrorResponse ('E') / NoticeResponse ('N'): fields S and V (the severity, untranslated), C, M, then D and H when
  // given, then the terminator. invalid_argument for a malformed SQLSTATE or an empty message.
  Status error_response(ErrorSeverity severity, const Diagnostic& diagnostic);
  Status notice_response(NoticeSeverity severity, const Diagnostic& diagnostic);

  Status parameter_status(std::string_view name, std::string_view value);  // 'S'; the name non-empty
  // BackendKeyData ('K'): protocol 3.0's 4-byte secret key, or 3.2's 4 to 256 bytes (else invalid_argument).
  void backend_key_data(std::int32_t process_id, std::int32_t secret_key);
  Status backend_key_data(std::int32_t process_id, Bytes secret_key);
  void ready_for_query(TransactionStatus status);  // 'Z'
  // NegotiateProtocolVersion ('v'): the newest minor version supported for the requested major version, and the
  // protocol options ("_pq_.*") not recognised; each name non-empty and without NUL.
  Status negotiate_protocol_version(std::uint16_t newest_minor, std::span<const std::string> unrecognized_options);

  [[nodiscard]] std::span<const std::uint8_t> data() const noexcept { return buf_; }
  [[nodiscard]] bool empty() const noexcept { return buf_.empty(); }
  void clear() noexcept { buf_.clear(); }

 private:
  std::size_t begin(char type);  // returns the length slot's offset
  void end(std::size_t length_at);
  void put_i32(std::int32_t v);
  void put_bytes(std::string_view s) { buf_.insert(buf_.end(), s.begin(), s.end()); }
  void put_bytes(Bytes b) { buf_.insert(buf_.end(), b.begin(), b.end()); }
  void put_cstr(std::string_view s) {
    put_bytes(s);
    buf_.push_back(0);
  }
  Status diagnostic(char type, const char* severity, const Diagnostic& d);

  std::vector<std::uint8_t> buf_;
};

}  // namespace edgepg::pg
