// edgepg's one registry of error codes: every failure the core (pg, auth, ws, jwt, cache, sign, crypto) and the
// native face (net, client) report is one ErrorCode, and error_name() is what users see of it: EdgepgError.code in
// JS, edgepg::Error::code() natively. Several codes may share a name (the name is what users branch on; the code
// says exactly which rule failed). The names are stable: README.md's "Error codes" table, the EdgepgErrorCode union
// in wasm/types/index.d.ts and tests/js/error-codes.test.js hold them to this list.
//
// Numbers are not stable and never cross to JS by position: the wasm module exports the names (errorNames()) and
// wasm/src/errors.js reads them once when the module loads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgepg {

enum class ErrorCode : std::uint8_t {
  ok = 0,

  // ---- The core's protocols and calls ----
  protocol,           // [EPROTO] the peer sent bytes that break the protocol (bad length, unknown message, bad order)
  message_too_large,  // [EPROTO] a length prefix above the configured limit; nothing was allocated for it
  auth,               // [EAUTH] authentication could not proceed or the server failed to prove itself
  unsupported,        // [EPROTO] the server asked for something this client does not implement
  invalid_argument,   // [EINVAL] the caller passed something unusable (e.g. a NUL byte inside a query string)
  invalid_state,      // [EINVAL] the call does not fit the connection's phase (e.g. a query before login)
  closed,             // [ECONNCLOSED] the connection is closed or failed earlier

  // ---- JWS/JWT and JWK/JWKS (jwt/) ----
  jwt_malformed,         // [ERR_JWT_MALFORMED] not a JWS compact token: size, characters, structure, header or JSON
  jwt_alg,               // [ERR_JWT_ALG] alg is none, unknown, outside the allowlist, or not the key's algorithm
  jwt_signature,         // [ERR_JWT_SIGNATURE] the signature does not verify with the selected key or secret
  jwt_expired,           // [ERR_JWT_EXPIRED] exp passed, or the token is older than max_token_age
  jwt_not_yet_valid,     // [ERR_JWT_NOT_YET_VALID] nbf is in the future, or iat is in the future
  jwt_claim,             // [ERR_JWT_CLAIM] iss/aud mismatch, missing required claim, wrong claim type, no role claim
  jwt_role_not_allowed,  // [ERR_JWT_ROLE_NOT_ALLOWED] the role the claims name is not in the allowed roles list
  jwks_no_key,           // [ERR_JWKS_NO_KEY] no usable key in the key set for this token (refetch the JWKS)
  jwks_invalid,          // [ERR_JWKS_INVALID] the key set (or single key) cannot be used at all

  // ---- WebSocket, RFC 6455 (ws/): one code per rule, all [EWEBSOCKET]; ws::ws_error_message() says which ----
  // Opening handshake (§4.1 client requirements on the server's response, §4.2.2).
  ws_handshake_too_large,    // the response's header section exceeds the configured limit
  ws_bad_status_line,        // not "HTTP/1.1 <3 digits> ..."
  ws_bad_status,             // a status other than 101
  ws_bad_header_line,        // a header line without a colon, an empty name, or an obs-fold continuation
  ws_duplicate_header,       // Upgrade, Sec-WebSocket-Accept or Sec-WebSocket-Protocol more than once
  ws_missing_upgrade,        // §4.1 rule 2: no "Upgrade: websocket"
  ws_missing_connection,     // §4.1 rule 3: no "Connection" header containing the "Upgrade" token
  ws_bad_accept,             // §4.1 rule 4: Sec-WebSocket-Accept missing or not base64(SHA-1(key + GUID))
  ws_unrequested_extension,  // §4.1 rule 5: the server chose an extension the client did not offer
  ws_unrequested_protocol,   // §4.1 rule 6: the server chose a subprotocol the client did not offer
  // Frame headers (checked by ws::decode_frame_header, in this order).
  ws_reserved_bits,       // §5.2: RSV1-3 set without a negotiated extension
  ws_reserved_opcode,     // §5.2: opcode 3-7 or 0xB-0xF
  ws_fragmented_control,  // §5.5: a control frame without FIN
  ws_control_too_long,    // §5.5: a control frame payload above 125 bytes
  ws_masked_frame,        // §5.1: a server frame with the MASK bit set
  ws_unmasked_frame,      // §5.1: a client frame without the MASK bit
  ws_length_msb_set,      // §5.2: the most significant bit of a 64-bit length must be 0
  // Messages (checked by the codecs).
  ws_continuation_without_start,  // §5.4: a continuation frame with no message open
  ws_data_frame_inside_message,   // §5.4: a new text/binary frame while a fragmented message is open
  ws_message_too_big,             // a message above the configured maximum (no memory was allocated for it)
  ws_bad_close_payload,           // §5.5.1: a Close payload of exactly one byte
  ws_bad_close_code,              // §7.4: a status code that must not appear on the wire
  ws_bad_close_reason,            // §5.5.1: a close reason that is not UTF-8
  ws_bad_text_payload,            // §8.1: a text message that is not UTF-8
  ws_text_refused,                // the Postgres tunnel carries binary frames only (ClientOptions::refuse_text)

  // ---- Cloud token exchanges (cloud/): workload identity federation to AWS, Google Cloud and Azure ----
  credentials_refused,      // [ECREDENTIALS] the token service refused the exchange (its error code in the detail)
  credentials_unavailable,  // [ECREDENTIALS] the token service failed or throttled (HTTP 5xx, 429): retry later
  credentials_malformed,    // [ECREDENTIALS] the token service's answer cannot be understood (size, syntax, fields)

  // ---- The native face's transports and client (net/, client/; never produced in wasm) ----
  connection_refused,  // [ECONNREFUSED] nothing accepts connections at the address
  host_not_found,      // [ENOTFOUND] the host name does not resolve
  timed_out,           // [ETIMEDOUT] connect_timeout, query_timeout, acquire_timeout or a JWKS fetch's timeout passed
  connection_reset,    // [ECONNRESET] a socket error while reading or writing
  tls,                 // [ETLS] TLS could not be negotiated (SSL refused under sslmode=require+, handshake error)
  certificate,         // [ECERT] the server's certificate was refused (unknown CA, host name mismatch)
  websocket,           // [EWEBSOCKET] the WebSocket proxy closed during the handshake or refused a frame
  http,                // [EHTTP] fetching a JWKS: a status other than 200, a malformed response, a document too large
  rolled_back,         // [EROLLBACK] COMMIT found the transaction failed: the server rolled it back
  type_mismatch,       // [ETYPE] a typed accessor met a value of another shape (as_int64 on "abc") or a NULL
  server,              // [SQLSTATE] the server's ErrorResponse: Error::code() is then its SQLSTATE, e.g. "23505"
};

// How many codes there are: the values are 0 .. error_code_count - 1.
inline constexpr std::size_t error_code_count = static_cast<std::size_t>(ErrorCode::server) + 1;

// The user-facing name of a code (see the brackets above). "OK" for ok; "SQLSTATE" for server, a placeholder: a
// server's error carries its own five-character SQLSTATE instead.
constexpr const char* error_name(ErrorCode c) noexcept {
  switch (c) {
    case ErrorCode::ok:
      return "OK";
    case ErrorCode::protocol:
    case ErrorCode::message_too_large:
    case ErrorCode::unsupported:
      return "EPROTO";
    case ErrorCode::auth:
      return "EAUTH";
    case ErrorCode::invalid_argument:
    case ErrorCode::invalid_state:
      return "EINVAL";
    case ErrorCode::closed:
      return "ECONNCLOSED";
    case ErrorCode::jwt_malformed:
      return "ERR_JWT_MALFORMED";
    case ErrorCode::jwt_alg:
      return "ERR_JWT_ALG";
    case ErrorCode::jwt_signature:
      return "ERR_JWT_SIGNATURE";
    case ErrorCode::jwt_expired:
      return "ERR_JWT_EXPIRED";
    case ErrorCode::jwt_not_yet_valid:
      return "ERR_JWT_NOT_YET_VALID";
    case ErrorCode::jwt_claim:
      return "ERR_JWT_CLAIM";
    case ErrorCode::jwt_role_not_allowed:
      return "ERR_JWT_ROLE_NOT_ALLOWED";
    case ErrorCode::jwks_no_key:
      return "ERR_JWKS_NO_KEY";
    case ErrorCode::jwks_invalid:
      return "ERR_JWKS_INVALID";
    case ErrorCode::ws_handshake_too_large:
    case ErrorCode::ws_bad_status_line:
    case ErrorCode::ws_bad_status:
    case ErrorCode::ws_bad_header_line:
    case ErrorCode::ws_duplicate_header:
    case ErrorCode::ws_missing_upgrade:
    case ErrorCode::ws_missing_connection:
    case ErrorCode::ws_bad_accept:
    case ErrorCode::ws_unrequested_extension:
    case ErrorCode::ws_unrequested_protocol:
    case ErrorCode::ws_reserved_bits:
    case ErrorCode::ws_reserved_opcode:
    case ErrorCode::ws_fragmented_control:
    case ErrorCode::ws_control_too_long:
    case ErrorCode::ws_masked_frame:
    case ErrorCode::ws_unmasked_frame:
    case ErrorCode::ws_length_msb_set:
    case ErrorCode::ws_continuation_without_start:
    case ErrorCode::ws_data_frame_inside_message:
    case ErrorCode::ws_message_too_big:
    case ErrorCode::ws_bad_close_payload:
    case ErrorCode::ws_bad_close_code:
    case ErrorCode::ws_bad_close_reason:
    case ErrorCode::ws_bad_text_payload:
    case ErrorCode::ws_text_refused:
    case ErrorCode::websocket:
      return "EWEBSOCKET";
    case ErrorCode::credentials_refused:
    case ErrorCode::credentials_unavailable:
    case ErrorCode::credentials_malformed:
      return "ECREDENTIALS";
    case ErrorCode::connection_refused:
      return "ECONNREFUSED";
    case ErrorCode::host_not_found:
      return "ENOTFOUND";
    case ErrorCode::timed_out:
      return "ETIMEDOUT";
    case ErrorCode::connection_reset:
      return "ECONNRESET";
    case ErrorCode::tls:
      return "ETLS";
    case ErrorCode::certificate:
      return "ECERT";
    case ErrorCode::http:
      return "EHTTP";
    case ErrorCode::rolled_back:
      return "EROLLBACK";
    case ErrorCode::type_mismatch:
      return "ETYPE";
    case ErrorCode::server:
      return "SQLSTATE";
  }
  return "EPROTO";  // not a value of the enum
}

// The codes of RFC 6455's rules (the ws_* block above).
constexpr bool is_ws_error(ErrorCode c) noexcept {
  return c >= ErrorCode::ws_handshake_too_large && c <= ErrorCode::ws_text_refused;
}

}  // namespace edgepg
