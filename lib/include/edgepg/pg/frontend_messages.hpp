// Decoders of the frontend message bodies a server (the gateway) needs to read: PasswordMessage (a password or a
// token), SASLInitialResponse / SASLResponse, Query and Parse (their SQL text, e.g. for an audit log), Terminate.
// Pure functions over one whole body (frame it with FrontendParser); outputs are views into the body, valid as long
// as it is. The type byte 'p' is shared by PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse: which
// one it is follows from the authentication request the server sent.
//
// Every decoder returns ErrorCode::protocol when the body does not have the documented shape
// (protocol-message-formats.html); the message names the message type, never its contents (a password or token).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "edgepg/pg/messages.hpp"
#include "edgepg/status.hpp"

namespace edgepg::pg {

// PasswordMessage: one NUL-terminated string that ends the body (PostgreSQL: "invalid password packet size"
// otherwise). The password may be empty; refusing it is the caller's policy.
Status decode_password_message(Bytes body, std::string_view& password);

struct SaslInitialResponse {
  std::string_view mechanism;  // the mechanism the client chose, e.g. "SCRAM-SHA-256" or "OAUTHBEARER"
  std::optional<Bytes> data;   // the initial client response; nullopt when the length field is -1 (none sent)
};
// SASLInitialResponse: a NUL-terminated mechanism name, an int32 length (-1 for none) and exactly that many bytes.
// Errors: no terminator, an empty mechanism name, a length below -1 or different from the bytes that follow.
Status decode_sasl_initial_response(Bytes body, SaslInitialResponse& out);

// SASLResponse: the whole body is the mechanism's data (never fails; here for symmetry and documentation).
Status decode_sasl_response(Bytes body, Bytes& data);

// Query: one NUL-terminated string that ends the body.
Status decode_query(Bytes body, std::string_view& sql);

struct ParseMessage {
  std::string_view statement;              // the prepared statement's name; empty for the unnamed one
  std::string_view query;                  // the SQL text
  std::vector<std::uint32_t> param_types;  // parameter type OIDs (0: unspecified); their count is checked
                                           // against the body before anything is allocated
};
// Parse: name, query, an int16 count (not negative) and that many int32 OIDs, ending the body.
Status decode_parse(Bytes body, ParseMessage& out);

// Terminate: an empty body.
Status decode_terminate(Bytes body);

}  // namespace edgepg::pg
