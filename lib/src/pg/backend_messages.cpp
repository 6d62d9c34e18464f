// Decoders for backend message bodies (protocol-message-formats.html). Each checks the documented shape and
// reports ErrorCode::protocol instead of reading past the end.
#include <charconv>
#include <string>

#include "edgepg/pg/messages.hpp"
#include "wire.hpp"

namespace edgepg::pg {
namespace {

Status malformed(const char* what) {
  return Status(ErrorCode::protocol, std::string("server sent a malformed ") + what + " message");
}

}  // namespace

Status DataRowReader::open(Bytes body, DataRowReader& out) {
  if (body.size() < 2) return malformed("DataRow");
  out.body_ = body;
  out.pos_ = 2;
  out.columns_ = wire::read_u16(body.data());
  return {};
}

Status DataRowReader::next(std::optional<Bytes>& cell) {
  if (body_.size() - pos_ < 4) return malformed("DataRow");
  const auto len = static_cast<std::int32_t>(wire::read_u32(body_.data() + pos_));
  pos_ += 4;
  if (len == -1) {
    cell.reset();
    return {};
  }
  if (len < 0 || static_cast<std::size_t>(len) > body_.size() - pos_) return malformed("DataRow");
  cell = body_.subspan(pos_, static_cast<std::size_t>(len));
  pos_ += static_cast<std::size_t>(len);
  return {};
}

Status decode_authentication(Bytes body, Authentication& out) {
  wire::Reader r(body);
  std::int32_t code;
  if (!r.i32(code)) return malformed("Authentication");
  out = Authentication{};
  out.request = static_cast<AuthRequest>(code);
  switch (out.request) {
    case AuthRequest::md5_password:
      if (!r.bytes(4, out.data) || !r.at_end()) return malformed("AuthenticationMD5Password");
      return {};
    case AuthRequest::sasl: {
      // A list of NUL-terminated mechanism names, ended by an empty one.
      for (;;) {
        std::string_view mech;
        if (!r.cstr(mech)) return malformed("AuthenticationSASL");
        if (mech.empty()) break;
        out.mechanisms.emplace_back(mech);
      }
      if (!r.at_end()) return malformed("AuthenticationSASL");
      return {};
    }
    case AuthRequest::sasl_continue:
    case AuthRequest::sasl_final:
    case AuthRequest::gss_continue:
      out.data = r.rest();
      return {};
    default:
      if (!r.at_end()) return malformed("Authentication");
      return {};
  }
}

Status decode_error_fields(Bytes body, ErrorFields& out) {
  wire::Reader r(body);
  out = ErrorFields{};
  for (;;) {
    std::uint8_t type;
    if (!r.u8(type)) return malformed("ErrorResponse/NoticeResponse");
    if (type == 0) break;
    std::string_view value;
    if (!r.cstr(value)) return malformed("ErrorResponse/NoticeResponse");
    // Fields of an unknown code are skipped: "frontends should silently ignore fields of unrecognized type".
    for (const ErrorFieldCode& f : error_field_codes) {
      if (f.code == static_cast<char>(type)) {
        (out.*f.member).assign(value);
        break;
      }
    }
  }
  if (!r.at_end()) return malformed("ErrorResponse/NoticeResponse");
  return {};
}

Status decode_row_description(Bytes body, std::vector<FieldDescription>& out) {
  wire::Reader r(body);
  std::uint16_t n;
  if (!r.u16(n)) return malformed("RowDescription");
  out.clear();
  // A field takes at least 19 bytes (an empty name's NUL + 18): the count a server claims never reserves more than
  // the body can hold (a 2-byte body claiming 65,535 fields reserved about 3.7 MB; found by fuzzing).
  constexpr std::size_t min_field_bytes = 19;
  if (r.remaining() < std::size_t{n} * min_field_bytes) return malformed("RowDescription");
  out.reserve(n);
  for (std::uint16_t i = 0; i < n; ++i) {
    FieldDescription f;
    std::string_view name;
    if (!r.cstr(name) || !r.u32(f.table_oid) || !r.i16(f.column_attr) || !r.u32(f.type_oid) || !r.i16(f.type_size) ||
        !r.i32(f.type_modifier) || !r.i16(f.format)) {
      return malformed("RowDescription");
    }
    f.name.assign(name);
    out.push_back(std::move(f));
  }
  if (!r.at_end()) return malformed("RowDescription");
  return {};
}

Status decode_parameter_description(Bytes body, std::vector<std::uint32_t>& out) {
  wire::Reader r(body);
  std::uint16_t n;
  if (!r.u16(n)) return malformed("ParameterDescription");
  if (r.remaining() != std::size_t{n} * 4) return malformed("ParameterDescription");  // checked before allocating
  out.assign(n, 0);
  for (auto& oid : out) {
    if (!r.u32(oid)) return malformed("ParameterDescription");
  }
  if (!r.at_end()) return malformed("ParameterDescription");
  return {};
}

Status decode_command_complete(Bytes body, CommandComplete& out) {
  wire::Reader r(body);
  std::string_view tag;
  if (!r.cstr(tag) || !r.at_end()) return malformed("CommandComplete");
  out = CommandComplete{};
  out.tag.assign(tag);
  const auto space = tag.find(' ');
  out.command.assign(tag.substr(0, space));
  // The row count is the last word for INSERT oid rows, DELETE/UPDATE/SELECT/MOVE/FETCH/COPY/MERGE rows.
  const auto last_space = tag.rfind(' ');
  if (last_space != std::string_view::npos) {
    const auto digits = tag.substr(last_space + 1);
    std::int64_t rows = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), rows);
    // Digits only: from_chars would take "-21" (a hostile server's negative count; found by the backend fuzzer).
    const bool digits_only = !digits.empty() && digits.front() >= '0' && digits.front() <= '9';
    if (digits_only && ec == std::errc() && ptr == digits.data() + digits.size()) out.rows = rows;
  }
  return {};
}

Status decode_parameter_status(Bytes body, ParameterStatus& out) {
  wire::Reader r(body);
  std::string_view name, value;
  if (!r.cstr(name) || !r.cstr(value) || !r.at_end()) return malformed("ParameterStatus");
  out.name.assign(name);
  out.value.assign(value);
  return {};
}

Status decode_backend_key_data(Bytes body, BackendKeyData& out) {
  wire::Reader r(body);
  if (!r.i32(out.process_id) || !r.i32(out.secret_key) || !r.at_end()) return malformed("BackendKeyData");
  return {};
}

Status decode_ready_for_query(Bytes body, TransactionStatus& out) {
  if (body.size() != 1) return malformed("ReadyForQuery");
  switch (body[0]) {
    case 'I':
      out = TransactionStatus::idle;
      return {};
    case 'T':
      out = TransactionStatus::in_transaction;
      return {};
    case 'E':
      out = TransactionStatus::failed;
      return {};
    default:
      return malformed("ReadyForQuery");
  }
}

Status decode_notification(Bytes body, Notification& out) {
  wire::Reader r(body);
  std::string_view channel, payload;
  if (!r.i32(out.process_id) || !r.cstr(channel) || !r.cstr(payload) || !r.at_end()) {
    return malformed("NotificationResponse");
  }
  out.channel.assign(channel);
  out.payload.assign(payload);
  return {};
}

Status decode_negotiate_protocol_version(Bytes body, NegotiateProtocolVersion& out) {
  wire::Reader r(body);
  std::int32_t n;
  if (!r.i32(out.newest_minor) || !r.i32(n) || n < 0) return malformed("NegotiateProtocolVersion");
  out.unrecognized_options.clear();
  for (std::int32_t i = 0; i < n; ++i) {
    std::string_view opt;
    if (!r.cstr(opt)) return malformed("NegotiateProtocolVersion");
    out.unrecognized_options.emplace_back(opt);
  }
  if (!r.at_end()) return malformed("NegotiateProtocolVersion");
  return {};
}

Status expect_empty(Bytes body, char type) {
  if (!body.empty()) return Status(ErrorCode::protocol, std::string("server sent a non-empty '") + type + "' message");
  return {};
}

}  // namespace edgepg::pg
