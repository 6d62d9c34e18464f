// Backend message serialization (protocol-message-formats.html). Arguments are checked before the first byte is
// appended, so a refused call leaves the buffer as it was.
#include "edgepg/pg/backend_writer.hpp"

#include <string>

#include "edgepg/pg/startup_packet.hpp"

namespace edgepg::pg {
namespace {

// The length word is an int32 that counts itself.
constexpr std::size_t max_body = 0x7FFFFFFF - 4;

bool has_nul(std::string_view s) noexcept { return s.find('\0') != std::string_view::npos; }

Status bad(const char* call, const std::string& why) {
  return Status(ErrorCode::invalid_argument, std::string(call) + ": " + why);
}

bool valid_sqlstate(std::string_view s) noexcept {
  if (s.size() != 5) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

// Checks a string field; `what` names it in the error.
Status check_field(const char* call, const char* what, std::string_view s, bool non_empty) {
  if (non_empty && s.empty()) return bad(call, std::string(what) + " is empty");
  if (has_nul(s)) return bad(call, std::string(what) + " holds a NUL byte");
  return {};
}

}  // namespace

const char* severity_name(ErrorSeverity s) noexcept {
  switch (s) {
    case ErrorSeverity::error:
      return "ERROR";
    case ErrorSeverity::fatal:
      return "FATAL";
    case ErrorSeverity::panic:
      return "PANIC";
  }
  return "ERROR";
}

const char* severity_name(NoticeSeverity s) noexcept {
  switch (s) {
    case NoticeSeverity::warning:
      return "WARNING";
    case NoticeSeverity::notice:
      return "NOTICE";
    case NoticeSeverity::debug:
      return "DEBUG";
    case NoticeSeverity::info:
      return "INFO";
    case NoticeSeverity::log:
      return "LOG";
  }
  return "NOTICE";
}

std::size_t BackendWriter::begin(char type) {
  buf_.push_back(static_cast<std::uint8_t>(type));
  const std::size_t at = buf_.size();
  buf_.insert(buf_.end(), 4, 0);
  return at;
}

void BackendWriter::end(std::size_t length_at) {
  const auto len = static_cast<std::uint32_t>(buf_.size() - length_at);
  buf_[length_at] = static_cast<std::uint8_t>(len >> 24);
  buf_[length_at + 1] = static_cast<std::uint8_t>(len >> 16);
  buf_[length_at + 2] = static_cast<std::uint8_t>(len >> 8);
  buf_[length_at + 3] = static_cast<std::uint8_t>(len);
}

void BackendWriter::put_i32(std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  buf_.push_back(static_cast<std::uint8_t>(u >> 24));
  buf_.push_back(static_cast<std::uint8_t>(u >> 16));
  buf_.push_back(static_cast<std::uint8_t>(u >> 8));
  buf_.push_back(static_cast<std::uint8_t>(u));
}

void BackendWriter::ssl_answer(bool accept) { buf_.push_back(accept ? 'S' : 'N'); }
void BackendWriter::gssenc_answer(bool accept) { buf_.push_back(accept ? 'G' : 'N'); }

void BackendWriter::authentication_ok() {
  const auto at = begin(backend::authentication);
  put_i32(static_cast<std::int32_t>(AuthRequest::ok));
  end(at);
}

void BackendWriter::authentication_cleartext_password() {
  const auto at = begin(backend::authentication);
  put_i32(static_cast<std::int32_t>(AuthRequest::cleartext_password));
  end(at);
}

Status BackendWriter::authentication_sasl(std::span<const std::string_view> mechanisms) {
  constexpr const char* call = "authentication_sasl()";
  if (mechanisms.empty()) return bad(call, "no mechanism offered");
  std::size_t size = 4 + 1;
  for (const auto m : mechanisms) {
    if (auto s = check_field(call, "a mechanism name", m, true); !s) return s;
    size += m.size() + 1;
    if (size > max_body) return bad(call, "the mechanism list exceeds the protocol's message size");
  }
  const auto at = begin(backend::authentication);
  put_i32(static_cast<std::int32_t>(AuthRequest::sasl));
  for (const auto m : mechanisms) put_cstr(m);
  buf_.push_back(0);
  end(at);
  return {};
}

Status BackendWriter::authentication_sasl_continue(Bytes data) {
  if (data.size() > max_body - 4) return bad("authentication_sasl_continue()", "the data exceeds the message size");
  const auto at = begin(backend::authentication);
  put_i32(static_cast<std::int32_t>(AuthRequest::sasl_continue));
  put_bytes(data);
  end(at);
  return {};
}

Status BackendWriter::authentication_sasl_final(Bytes data) {
  if (data.size() > max_body - 4) return bad("authentication_sasl_final()", "the data exceeds the message size");
  const auto at = begin(backend::authentication);
  put_i32(static_cast<std::int32_t>(AuthRequest::sasl_final));
  put_bytes(data);
  end(at);
  return {};
}

Status BackendWriter::diagnostic(char type, const char* severity, const Diagnostic& d) {
  const char* call = type == backend::error_response ? "error_response()" : "notice_response()";
  if (!valid_sqlstate(d.sqlstate)) return bad(call, "the SQLSTATE must be five characters of 0-9 and A-Z");
  if (auto s = check_field(call, "the message", d.message, true); !s) return s;
  if (auto s = check_field(call, "the detail", d.detail, false); !s) return s;
  if (auto s = check_field(call, "the hint", d.hint, false); !s) return s;
  const std::string_view sev(severity);
  const std::size_t size = 2 * (sev.size() + 2) + (d.sqlstate.size() + 2) + (d.message.size() + 2) +
                           (d.detail.empty() ? 0 : d.detail.size() + 2) + (d.hint.empty() ? 0 : d.hint.size() + 2) + 1;
  if (size > max_body) return bad(call, "the fields exceed the protocol's message size");
  // protocol-error-fields.html: S (localized severity), V (never localized), C, M, D, H; a zero byte ends them.
  const auto at = begin(type);
  auto field = [this](char code, std::string_view value) {
    buf_.push_back(static_cast<std::uint8_t>(code));
    put_cstr(value);
  };
  field('S', sev);
  field('V', sev);
  field('C', d.sqlstate);
  field('M', d.message);
  if (!d.detail.empty()) field('D', d.detail);
  if (!d.hint.empty()) field('H', d.hint);
  buf_.push_back(0);
  end(at);
  return {};
}

Status BackendWriter::error_response(ErrorSeverity severity, const Diagnostic& diagnostic_fields) {
  return diagnostic(backend::error_response, severity_name(severity), diagnostic_fields);
}

Status BackendWriter::notice_response(NoticeSeverity severity, const Diagnostic& diagnostic_fields) {
  return diagnostic(backend::notice_response, severity_name(severity), diagnostic_fields);
}

Status BackendWriter::parameter_status(std::string_view name, std::string_view value) {
  constexpr const char* call = "parameter_status()";
  if (auto s = check_field(call, "the name", name, true); !s) return s;
  if (auto s = check_field(call, "the value", value, false); !s) return s;
  if (name.size() + value.size() + 2 > max_body) return bad(call, "the parameter exceeds the message size");
  const auto at = begin(backend::parameter_status);
  put_cstr(name);
  put_cstr(value);
  end(at);
  return {};
}

void BackendWriter::backend_key_data(std::int32_t process_id, std::int32_t secret_key) {
  const auto at = begin(backend::backend_key_data);
  put_i32(process_id);
  put_i32(secret_key);
  end(at);
}

Status BackendWriter::backend_key_data(std::int32_t process_id, Bytes secret_key) {
  // protocol-message-formats.html, BackendKeyData: 4 bytes in protocol 3.0, at most 256 in 3.2.
  if (secret_key.size() < min_cancel_key_length || secret_key.size() > max_cancel_key_length) {
    return bad("backend_key_data()", "the secret key must be 4 to 256 bytes, got " + std::to_string(secret_key.size()));
  }
  const auto at = begin(backend::backend_key_data);
  put_i32(process_id);
  put_bytes(secret_key);
  end(at);
  return {};
}

void BackendWriter::ready_for_query(TransactionStatus status) {
  const auto at = begin(backend::ready_for_query);
  buf_.push_back(static_cast<std::uint8_t>(status));
  end(at);
}

Status BackendWriter::negotiate_protocol_version(std::uint16_t newest_minor,
                                                 std::span<const std::string> unrecognized_options) {
  constexpr const char* call = "negotiate_protocol_version()";
  std::size_t size = 8;
  for (const auto& o : unrecognized_options) {
    if (auto s = check_field(call, "an option name", o, true); !s) return s;
    size += o.size() + 1;
    if (size > max_body) return bad(call, "the option names exceed the protocol's message size");
  }
  const auto at = begin(backend::negotiate_protocol_version);
  put_i32(newest_minor);
  put_i32(static_cast<std::int32_t>(unrecognized_options.size()));
  for (const auto& o : unrecognized_options) put_cstr(o);
  end(at);
  return {};
}

}  // namespace edgepg::pg
