// Decoders for frontend message bodies (protocol-message-formats.html). Each checks the documented shape, reads
// nothing past the end, and never quotes the body in an error (it may hold a password or a token).
#include "edgepg/pg/frontend_messages.hpp"

#include <string>

#include "wire.hpp"

namespace edgepg::pg {
namespace {

Status malformed(const char* what, const char* why) {
  return Status(ErrorCode::protocol, std::string("client sent a malformed ") + what + " message: " + why);
}

}  // namespace

Status decode_password_message(Bytes body, std::string_view& password) {
  wire::Reader r(body);
  std::string_view s;
  if (!r.cstr(s)) return malformed("PasswordMessage", "no NUL terminator");
  // PostgreSQL's recv_password_packet: "invalid password packet size" when the string does not end the packet.
  if (!r.at_end()) return malformed("PasswordMessage", "bytes after the NUL terminator");
  password = s;
  return {};
}

Status decode_sasl_initial_response(Bytes body, SaslInitialResponse& out) {
  wire::Reader r(body);
  std::string_view mechanism;
  if (!r.cstr(mechanism)) return malformed("SASLInitialResponse", "no NUL terminator after the mechanism name");
  if (mechanism.empty()) return malformed("SASLInitialResponse", "an empty mechanism name");
  std::int32_t len = 0;
  if (!r.i32(len)) return malformed("SASLInitialResponse", "no length of the initial response");
  if (len < -1) return malformed("SASLInitialResponse", "a negative length other than -1");
  out.mechanism = mechanism;
  if (len == -1) {
    if (!r.at_end()) return malformed("SASLInitialResponse", "bytes after a length of -1");
    out.data.reset();
    return {};
  }
  if (r.remaining() != static_cast<std::size_t>(len)) {
    return malformed("SASLInitialResponse", "the length does not match the bytes that follow");
  }
  out.data = r.rest();
  return {};
}

Status decode_sasl_response(Bytes body, Bytes& data) {
  data = body;
  return {};
}

Status decode_query(Bytes body, std::string_view& sql) {
  wire::Reader r(body);
  std::string_view s;
  if (!r.cstr(s)) return malformed("Query", "no NUL terminator");
  if (!r.at_end()) return malformed("Query", "bytes after the NUL terminator");
  sql = s;
  return {};
}

Status decode_parse(Bytes body, ParseMessage& out) {
  wire::Reader r(body);
  std::string_view name, query;
  if (!r.cstr(name)) return malformed("Parse", "no NUL terminator after the statement name");
  if (!r.cstr(query)) return malformed("Parse", "no NUL terminator after the query");
  std::int16_t count = 0;
  if (!r.i16(count)) return malformed("Parse", "no parameter type count");
  if (count < 0) return malformed("Parse", "a negative parameter type count");
  // Checked before allocating: the OIDs must all be in the body, and nothing after them.
  if (r.remaining() != static_cast<std::size_t>(count) * 4) {
    return malformed("Parse", "the parameter type count does not match the bytes that follow");
  }
  out.statement = name;
  out.query = query;
  out.param_types.assign(static_cast<std::size_t>(count), 0);
  for (auto& oid : out.param_types) (void)r.u32(oid);
  return {};
}

Status decode_terminate(Bytes body) {
  if (!body.empty()) return malformed("Terminate", "a non-empty body");
  return {};
}

}  // namespace edgepg::pg
