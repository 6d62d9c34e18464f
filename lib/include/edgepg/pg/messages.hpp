// Backend (server-to-client) messages of the PostgreSQL v3 protocol, as typed values decoded from a message body.
// Decoders are pure functions over one whole message body (see backend_parser.hpp for framing); each returns a
// Status with ErrorCode::protocol when the body does not have the shape the protocol documents.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/status.hpp"

namespace edgepg::pg {

using Bytes = std::span<const std::uint8_t>;

// Message type bytes (protocol-message-formats.html).
namespace backend {
inline constexpr char authentication = 'R';
inline constexpr char backend_key_data = 'K';
inline constexpr char bind_complete = '2';
inline constexpr char close_complete = '3';
inline constexpr char command_complete = 'C';
inline constexpr char copy_in_response = 'G';
inline constexpr char copy_out_response = 'H';
inline constexpr char copy_both_response = 'W';
inline constexpr char copy_data = 'd';
inline constexpr char copy_done = 'c';
inline constexpr char data_row = 'D';
inline constexpr char empty_query_response = 'I';
inline constexpr char error_response = 'E';
inline constexpr char function_call_response = 'V';
inline constexpr char negotiate_protocol_version = 'v';
inline constexpr char no_data = 'n';
inline constexpr char notice_response = 'N';
inline constexpr char notification_response = 'A';
inline constexpr char parameter_description = 't';
inline constexpr char parameter_status = 'S';
inline constexpr char parse_complete = '1';
inline constexpr char portal_suspended = 's';
inline constexpr char ready_for_query = 'Z';
inline constexpr char row_description = 'T';
}  // namespace backend

// One framed message: its type byte and its body (without the type byte and the length prefix).
struct RawMessage {
  char type = 0;
  Bytes body;
};

// Authentication request codes carried by 'R' messages.
enum class AuthRequest : std::int32_t {
  ok = 0,
  kerberos_v5 = 2,
  cleartext_password = 3,
  md5_password = 5,
  gss = 7,
  gss_continue = 8,
  sspi = 9,
  sasl = 10,
  sasl_continue = 11,
  sasl_final = 12,
};

struct Authentication {
  AuthRequest request = AuthRequest::ok;
  Bytes data;                           // md5: 4 salt bytes; sasl_continue/final: the SASL payload
  std::vector<std::string> mechanisms;  // sasl: the mechanisms the server offers
};

// ErrorResponse / NoticeResponse: every field the server documents (protocol-error-fields.html).
struct ErrorFields {
  std::string severity;           // 'S' (localized)
  std::string severity_nonlocal;  // 'V'
  std::string code;               // 'C' SQLSTATE
  std::string message;            // 'M'
  std::string detail;             // 'D'
  std::string hint;               // 'H'
  std::string position;           // 'P'
  std::string internal_position;  // 'p'
  std::string internal_query;     // 'q'
  std::string where;              // 'W'
  std::string schema;             // 's'
  std::string table;              // 't'
  std::string column;             // 'c'
  std::string data_type;          // 'd'
  std::string constraint;         // 'n'
  std::string file;               // 'F'
  std::string line;               // 'L'
  std::string routine;            // 'R'
};

// The 18 fields with their codes, listed once: decode_error_fields matches a field's code against this table, and
// the wasm event tape (bindings/event_tape.cpp) writes the fields in this order, which wasm/src/tape.js reads back.
struct ErrorFieldCode {
  char code;
  std::string ErrorFields::*member;
};
inline constexpr std::array<ErrorFieldCode, 18> error_field_codes = {{
    {'S', &ErrorFields::severity},
    {'V', &ErrorFields::severity_nonlocal},
    {'C', &ErrorFields::code},
    {'M', &ErrorFields::message},
    {'D', &ErrorFields::detail},
    {'H', &ErrorFields::hint},
    {'P', &ErrorFields::position},
    {'p', &ErrorFields::internal_position},
    {'q', &ErrorFields::internal_query},
    {'W', &ErrorFields::where},
    {'s', &ErrorFields::schema},
    {'t', &ErrorFields::table},
    {'c', &ErrorFields::column},
    {'d', &ErrorFields::data_type},
    {'n', &ErrorFields::constraint},
    {'F', &ErrorFields::file},
    {'L', &ErrorFields::line},
    {'R', &ErrorFields::routine},
}};

enum class TransactionStatus : char { idle = 'I', in_transaction = 'T', failed = 'E' };

struct FieldDescription {
  std::string name;
  std::uint32_t table_oid = 0;
  std::int16_t column_attr = 0;
  std::uint32_t type_oid = 0;
  std::int16_t type_size = 0;
  std::int32_t type_modifier = 0;
  std::int16_t format = 0;  // 0 text, 1 binary
};

struct CommandComplete {
  std::string tag;                   // the whole tag, e.g. "INSERT 0 3"
  std::string command;               // its first word, e.g. "INSERT"
  std::optional<std::int64_t> rows;  // the row count, when the tag carries one
};

struct ParameterStatus {
  std::string name;
  std::string value;
};

struct BackendKeyData {
  std::int32_t process_id = 0;
  std::int32_t secret_key = 0;
};

struct Notification {
  std::int32_t process_id = 0;
  std::string channel;
  std::string payload;
};

struct NegotiateProtocolVersion {
  std::int32_t newest_minor = 0;
  std::vector<std::string> unrecognized_options;
};

// A DataRow's cells, read in place: no copy, valid while the message body is.
class DataRowReader {
 public:
  // Validates the column count; cells are checked as they are read.
  static Status open(Bytes body, DataRowReader& out);
  [[nodiscard]] std::uint16_t columns() const noexcept { return columns_; }
  // The next cell, or nullopt for SQL NULL. Returns a protocol Status when the row is shorter than it says.
  Status next(std::optional<Bytes>& cell);
  // After all cells: true when no stray bytes remain.
  [[nodiscard]] bool at_end() const noexcept { return pos_ == body_.size(); }

 private:
  Bytes body_;
  std::size_t pos_ = 0;
  std::uint16_t columns_ = 0;
};

Status decode_authentication(Bytes body, Authentication& out);
Status decode_error_fields(Bytes body, ErrorFields& out);  // ErrorResponse and NoticeResponse
Status decode_row_description(Bytes body, std::vector<FieldDescription>& out);
Status decode_parameter_description(Bytes body, std::vector<std::uint32_t>& out);
Status decode_command_complete(Bytes body, CommandComplete& out);
Status decode_parameter_status(Bytes body, ParameterStatus& out);
Status decode_backend_key_data(Bytes body, BackendKeyData& out);
Status decode_ready_for_query(Bytes body, TransactionStatus& out);
Status decode_notification(Bytes body, Notification& out);
Status decode_negotiate_protocol_version(Bytes body, NegotiateProtocolVersion& out);
// Messages whose body must be empty: ParseComplete, BindComplete, CloseComplete, NoData, EmptyQueryResponse,
// PortalSuspended, CopyDone.
Status expect_empty(Bytes body, char type);

}  // namespace edgepg::pg
