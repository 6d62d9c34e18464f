// The client's startup packets (protocol-message-formats.html), checked as PostgreSQL's ProcessStartupPacket does
// (src/backend/tcop/backend_startup.c), plus the checks it leaves out: repeated parameter names and exact lengths of
// the fixed-size requests.
#include "edgepg/pg/startup_packet.hpp"

#include <algorithm>
#include <string>

#include "wire.hpp"

namespace edgepg::pg {
namespace {

constexpr std::string_view protocol_option_prefix = "_pq_.";

// A parameter name for an error message: at most 64 bytes, bytes outside printable ASCII as '?'. Values are never
// quoted (they may carry credentials, e.g. in "options").
std::string printable(std::string_view name) {
  std::string out(name.substr(0, 64));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  return out;
}

std::string version_text(std::uint32_t code) {
  return std::to_string(code >> 16) + "." + std::to_string(code & 0xFFFF);
}

}  // namespace

std::optional<std::string_view> StartupMessage::parameter(std::string_view name) const {
  for (const auto& [n, v] : parameters) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view StartupMessage::user() const { return parameter("user").value_or(std::string_view{}); }

std::string_view StartupMessage::database() const {
  if (auto db = parameter("database"); db && !db->empty()) return *db;
  return user();
}

bool needs_protocol_negotiation(const StartupMessage& message, std::uint16_t newest_minor) noexcept {
  return message.minor_version > newest_minor || !message.protocol_options.empty();
}

Status StartupParser::feed(std::span<const std::uint8_t> chunk) {
  if (!error_.ok()) return error_;
  // Nothing is buffered once the startup phase is over: the bytes would sit here unread, without a bound.
  if (finished_) {
    return {ErrorCode::invalid_state, "the startup phase is over: feed later bytes to a FrontendParser"};
  }
  if (pos_ > 0) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  buf_.insert(buf_.end(), chunk.begin(), chunk.end());
  return {};
}

std::vector<std::uint8_t> StartupParser::take_remaining() {
  std::vector<std::uint8_t> out(buf_.begin() + static_cast<std::ptrdiff_t>(pos_), buf_.end());
  buf_.clear();
  pos_ = 0;
  return out;
}

StartupStep StartupParser::fail(ErrorCode code, std::string message) {
  error_ = Status(code, std::move(message));
  return StartupStep::error;
}

StartupStep StartupParser::next(StartupPacket& out) {
  if (!error_.ok()) return StartupStep::error;
  if (finished_) return StartupStep::finished;
  const std::size_t avail = buf_.size() - pos_;
  if (avail == 0) return StartupStep::need_more;
  const std::uint8_t* p = buf_.data() + pos_;

  // PostgreSQL 17 direct TLS: a ClientHello instead of a length word, whose first byte is never 0x16 (the length
  // is at most 10,004). Only at the very start of the connection.
  if (!any_packet_ && p[0] == tls_handshake_record) {
    any_packet_ = true;
    ssl_seen_ = true;  // no SSLRequest inside TLS (PostgreSQL: ssl_done)
    out = StartupPacket{};
    out.kind = StartupKind::direct_tls;
    return StartupStep::packet;
  }
  if (avail < 4) return StartupStep::need_more;

  // The length counts itself; the body holds at least the 4-byte code.
  const std::uint32_t len = wire::read_u32(p);
  if (len < 8) {
    return fail(ErrorCode::protocol, "invalid length of startup packet (" + std::to_string(len) +
                                         " bytes; at least 8): the client does not speak PostgreSQL protocol v3");
  }
  if (len - 4 > max_length_) {
    return fail(ErrorCode::message_too_large, "startup packet of " + std::to_string(len) +
                                                  " bytes exceeds the limit of " + std::to_string(max_length_ + 4) +
                                                  " bytes (PostgreSQL's MAX_STARTUP_PACKET_LENGTH)");
  }
  if (avail < len) return StartupStep::need_more;
  const std::span<const std::uint8_t> body(p + 4, len - 4);
  pos_ += len;
  any_packet_ = true;
  return decode(body, out);
}

StartupStep StartupParser::decode(std::span<const std::uint8_t> body, StartupPacket& out) {
  wire::Reader r(body);
  std::uint32_t code = 0;
  (void)r.u32(code);  // the length check above guarantees 4 bytes
  out = StartupPacket{};

  if (code == static_cast<std::uint32_t>(startup_code::ssl_request) ||
      code == static_cast<std::uint32_t>(startup_code::gssenc_request)) {
    const bool ssl = code == static_cast<std::uint32_t>(startup_code::ssl_request);
    const char* name = ssl ? "SSLRequest" : "GSSENCRequest";
    if (!r.at_end()) {
      return fail(ErrorCode::protocol, std::string("invalid length of ") + name + " (" +
                                           std::to_string(body.size() + 4) + " bytes; it is exactly 8)");
    }
    // PostgreSQL answers each at most once per connection (ProcessStartupPacket's ssl_done / gss_done).
    bool& seen = ssl ? ssl_seen_ : gssenc_seen_;
    if (seen) return fail(ErrorCode::protocol, std::string("the client sent a second ") + name + " on one connection");
    seen = true;
    // CVE-2021-23214: bytes that arrived with the request, before the answer, were not protected
    // by the encryption about to be negotiated; a man in the middle may have injected them.
    if (pos_ != buf_.size()) {
      return fail(ErrorCode::protocol, "the client sent " + std::to_string(buf_.size() - pos_) + " bytes after its " +
                                           name + " without waiting for the answer (CVE-2021-23214)");
    }
    out.kind = ssl ? StartupKind::ssl_request : StartupKind::gssenc_request;
    return StartupStep::packet;
  }

  if (code == static_cast<std::uint32_t>(startup_code::cancel_request)) {
    // CancelRequest: pid, then the secret key to the end of the packet (4 bytes in 3.0, up to 256 in 3.2).
    std::int32_t pid = 0;
    if (!r.i32(pid)) return fail(ErrorCode::protocol, "invalid length of CancelRequest (no process ID)");
    const auto key = r.rest();
    if (key.size() < min_cancel_key_length || key.size() > max_cancel_key_length) {
      return fail(ErrorCode::protocol,
                  "invalid length of cancel key in CancelRequest (" + std::to_string(key.size()) + " bytes; 4 to 256)");
    }
    out.kind = StartupKind::cancel_request;
    out.cancel.process_id = pid;
    out.cancel.secret_key.assign(key.begin(), key.end());
    finished_ = true;
    return StartupStep::packet;
  }

  const std::uint32_t major = code >> 16;
  if (major != 3) {
    return fail(ErrorCode::unsupported,
                "unsupported frontend protocol " + version_text(code) + ": this server speaks protocol 3.x only");
  }

  // StartupMessage: name/value pairs of NUL-terminated strings, ended by an empty name that is the last byte.
  StartupMessage& m = out.startup;
  m.minor_version = static_cast<std::uint16_t>(code & 0xFFFF);
  for (;;) {
    std::string_view name;
    if (!r.cstr(name)) {
      return fail(ErrorCode::protocol, "invalid startup packet layout: expected terminator as last byte");
    }
    if (name.empty()) break;
    std::string_view value;
    if (!r.cstr(value)) {
      return fail(ErrorCode::protocol,
                  "invalid startup packet layout: parameter \"" + printable(name) + "\" has no value");
    }
    auto& list =
        name.substr(0, protocol_option_prefix.size()) == protocol_option_prefix ? m.protocol_options : m.parameters;
    list.emplace_back(name, value);
  }
  if (!r.at_end()) {
    return fail(ErrorCode::protocol, "invalid startup packet layout: expected terminator as last byte (" +
                                         std::to_string(r.remaining()) + " bytes follow it)");
  }

  // A repeated name would leave which value counts to whoever reads it: refused (PostgreSQL keeps the last).
  std::vector<std::string_view> names;
  names.reserve(m.parameters.size() + m.protocol_options.size());
  for (const auto& [n, v] : m.parameters) names.emplace_back(n);
  for (const auto& [n, v] : m.protocol_options) names.emplace_back(n);
  std::sort(names.begin(), names.end());
  if (auto dup = std::adjacent_find(names.begin(), names.end()); dup != names.end()) {
    return fail(ErrorCode::protocol,
                "invalid startup packet: parameter \"" + printable(*dup) + "\" appears more than once");
  }
  // PostgreSQL: "no PostgreSQL user name specified in startup packet".
  if (m.user().empty()) return fail(ErrorCode::protocol, "no PostgreSQL user name specified in startup packet");

  out.kind = StartupKind::startup;
  finished_ = true;
  return StartupStep::packet;
}

}  // namespace edgepg::pg
