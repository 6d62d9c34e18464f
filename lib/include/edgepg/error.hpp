// The native face's one exception type. The sans-IO core never throws; the layers built on it (the transports in
// net/, and Connection, Pool, JwksCache in client/) turn failures into edgepg::Error. It sits beside status.hpp rather
// than under client/ so that net/, which client/ is built on, can throw it without depending on client/.
//
// code() is either the server's SQLSTATE (five characters, e.g. "23505", "42P01", "57P01"; fields() then holds
// every field of the ErrorResponse, and error_code() is ErrorCode::server) or the name of one of edgepg's codes
// (error_code(), from the one registry edgepg/error_code.hpp), the same names the JS layer uses. Natively:
//   ECONNREFUSED  nothing accepts connections at the address
//   ENOTFOUND     the host name does not resolve
//   ETIMEDOUT     connect_timeout or query_timeout passed (after a query timeout the connection is closed), or a
//                 JWKS fetch's or a token service's timeout
//   ECONNCLOSED   the server or a proxy closed the connection, or the Connection was closed or broken earlier
//   ECONNRESET    a socket error while reading or writing
//   ETLS          TLS could not be negotiated (server refused SSL under sslmode=require or stricter, handshake error)
//   ECERT         the server's certificate was refused (unknown CA, host name mismatch) under verify-ca/verify-full
//   EWEBSOCKET    the WebSocket handshake or framing failed (e.g. the proxy answered 404)
//   EHTTP         fetching a JWKS: a status other than 200, a malformed response, a document too large
//   ECREDENTIALS  the keyless providers (aws_credentials.hpp, access_token.hpp): a token service refused, failed or
//                 answered something unreadable or over 64 KiB; no AWS source configured; a token file unreadable
//   EPROTO        the server broke the PostgreSQL protocol
//   EAUTH         authentication could not proceed, or the server did not prove it knows the password (SCRAM)
//   EINVAL        the caller passed something unusable (bad connection string, NUL byte in a query, bad index)
//   EROLLBACK     Connection::transaction's COMMIT found the transaction failed: the server rolled it back
//   ETYPE         a typed accessor met a value of another shape (as_int64 on "abc") or a NULL
//   ERR_JWT_*     identity helpers (ERR_JWKS_INVALID from fetch_jwks and JwksCache)
// what() is "<message> [<code>]": the server's primary message or ours, never a password, a token or a key.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "edgepg/error_code.hpp"
#include "edgepg/pg/messages.hpp"
#include "edgepg/status.hpp"

namespace edgepg {

class Error : public std::runtime_error {
 public:
  // One of edgepg's codes (not ErrorCode::server: a server's error is built from its fields).
  Error(ErrorCode code, std::string message)
      : std::runtime_error(message + " [" + error_name(code) + "]"),
        code_(error_name(code)),
        message_(std::move(message)),
        error_code_(code) {}
  // A failed Status, its code and message as they are.
  explicit Error(const Status& status) : Error(status.code(), status.message()) {}
  explicit Error(const pg::ErrorFields& fields)  // a server ErrorResponse
      : std::runtime_error(fields.message + " [" + fields.code + "]"),
        code_(fields.code),
        message_(fields.message),
        fields_(fields),
        error_code_(ErrorCode::server) {}

  // The SQLSTATE or the name of edgepg's code (see above): what users compare against.
  [[nodiscard]] const std::string& code() const noexcept { return code_; }
  // edgepg's code; ErrorCode::server when the server sent this error.
  [[nodiscard]] ErrorCode error_code() const noexcept { return error_code_; }
  // what() without the code.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  // True when the server sent this error (code() is a SQLSTATE and fields() is filled).
  [[nodiscard]] bool from_server() const noexcept { return error_code_ == ErrorCode::server; }
  // Every field of the server's ErrorResponse (empty for edgepg's own errors).
  [[nodiscard]] const pg::ErrorFields& fields() const noexcept { return fields_; }

 private:
  std::string code_;
  std::string message_;
  pg::ErrorFields fields_;
  ErrorCode error_code_;
};

}  // namespace edgepg
