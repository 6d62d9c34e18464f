// The server side of SASL OAUTHBEARER (RFC 7628) as PostgreSQL 18 speaks it, sans-IO: what a server (edgepg-gateway)
// needs to read the client's messages and write its one challenge. The token itself is verified by the caller.
//
// The exchange (protocol-flow.html, "SASL Authentication"; RFC 7628 §3.2):
//   server: AuthenticationSASL ["OAUTHBEARER"]
//   client: SASLInitialResponse "OAUTHBEARER", client-first   n,,\x01auth=Bearer <token>\x01\x01
//           (or without an initial response: the server sends an empty SASLContinue and the client-first comes in a
//           SASLResponse)
//   valid token:    AuthenticationOk (no SASLFinal: OAUTHBEARER has no additional data on success)
//   invalid token:  SASLContinue {"status":"invalid_token",...}  <- client: SASLResponse \x01  -> ErrorResponse
//   an empty auth value ("auth=\x01") is a discovery request: the same challenge, then the server closes.
//
// Functions are pure; outputs are views into the input, valid as long as it is. No message ever quotes the input
// (it holds a bearer token).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "edgepg/pg/messages.hpp"
#include "edgepg/status.hpp"

namespace edgepg::auth {

inline constexpr std::string_view oauthbearer_mechanism = "OAUTHBEARER";

struct OAuthBearerClientFirst {
  // gs2-cb-flag: 'n' (no channel binding) or 'y' (the client could bind but thinks the server cannot).
  char channel_binding_flag = 'n';
  // gs2-authzid ("a=<saslname>"), its =2C and =3D escapes decoded; nullopt when absent.
  std::optional<std::string> authzid;
  // The value of the "auth" key as sent, e.g. "Bearer eyJ..."; empty for a discovery request.
  std::string_view auth;
};

// Parses a client-first message (RFC 7628 §3.1):
//   client-resp = gs2-header kvsep *kvpair kvsep;  gs2-header = gs2-cb-flag "," [ "a=" saslname ] ","
//   kvpair = key "=" value kvsep;  key = 1*ALPHA;  value = *(VCHAR / SP / HTAB / CR / LF)
// Exactly one "auth" pair is required; other keys (host, port, ...) are checked and ignored (§3.1), and nothing may
// follow the final kvsep. Errors (ErrorCode::protocol, the message naming the rule): an empty message; a channel
// binding flag other than n or y ("p=" is refused: OAUTHBEARER defines no channel binding); a malformed gs2 header
// or saslname; a key that is empty or not letters; a value with another byte (a NUL included); a pair without '=';
// no auth pair or two of them; a missing final kvsep; bytes after it.
Status parse_oauthbearer_client_first(pg::Bytes message, OAuthBearerClientFirst& out);

// The bearer token in an auth value (RFC 6750 §2.1: "Bearer" 1*SP b64token, the scheme case-insensitive, RFC 7628
// §4): true and `token` set when it has that shape; false for another scheme, an empty token or a character outside
// b64token (A-Z a-z 0-9 - . _ ~ + / then '=' padding). PostgreSQL 18 counts such a value as an invalid token (the
// error challenge), not as a protocol violation.
bool oauthbearer_token(std::string_view auth, std::string_view& token);

// The client's answer to the error challenge: a single kvsep (RFC 7628 §3.2.3).
bool is_oauthbearer_error_ack(pg::Bytes message);

// The error challenge (RFC 7628 §3.2.2): {"status":"invalid_token","scope":...,"openid-configuration":...}, each of
// scope and openid_configuration left out when empty; strings escaped as JSON.
std::string oauthbearer_error_challenge(std::string_view scope, std::string_view openid_configuration);

}  // namespace edgepg::auth
