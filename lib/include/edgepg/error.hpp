// The native face's one exception type. The sans-IO core never throws; the layers built on it (the transports in
// net/, and Connection, Pool, JwksCache in client/) turn failures into edgepg::Error. It sits beside status.hpp rather
// than under client/ so that net/, which client/ is built on, can throw it without depending on client/.
//
// code() is either the server's SQLSTATE (five characters, e.g. "23505", "42P01", "57P01"; fields() then holds
// every field of the ErrorResponse) or one of edgepg's own codes, the same names the JS layer uses:
//   ECONNREFUSED  nothing accepts connections at the address (or the host name does not resolve: ENOTFOUND)
//   ENOTFOUND     the host name does not resolve
//   ETIMEDOUT     connect_timeout or query_timeout passed (after a query timeout the connection is closed)
//   ECONNCLOSED   the server or a proxy closed the connection, or the Connection was closed or broken earlier
//   ECONNRESET    a socket error while reading or writing
//   ETLS          TLS could not be negotiated (server refused SSL under sslmode=require or stricter, handshake error)
//   ECERT         the server's certificate was refused (unknown CA, host name mismatch) under verify-ca/verify-full
//   EWEBSOCKET    the WebSocket handshake or framing failed (e.g. the proxy answered 404)
//   EHTTP         fetching a JWKS: a status other than 200, a malformed response, a document too large
//   EPROTO        the server broke the PostgreSQL protocol
//   EAUTH         authentication could not proceed, or the server did not prove it knows the password (SCRAM)
//   EINVAL        the caller passed something unusable (bad connection string, NUL byte in a query, bad index)
//   EROLLBACK     Connection::transaction's COMMIT found the transaction failed: the server rolled it back
//   ETYPE         a typed accessor met a value of another shape (as_int64 on "abc") or a NULL
//   ERR_JWT_*     identity helpers (see jwt/jwt_status.hpp)
// what() is "<message> [<code>]": the server's primary message or ours, never a password, a token or a key.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "edgepg/pg/messages.hpp"

namespace edgepg {

class Error : public std::runtime_error {
 public:
  Error(std::string code, std::string message)
      : std::runtime_error(message + " [" + code + "]"), code_(std::move(code)), message_(std::move(message)) {}
  explicit Error(const pg::ErrorFields& fields)  // a server ErrorResponse
      : std::runtime_error(fields.message + " [" + fields.code + "]"),
        code_(fields.code),
        message_(fields.message),
        fields_(fields),
        server_(true) {}

  // The SQLSTATE or edgepg's code (see above).
  [[nodiscard]] const std::string& code() const noexcept { return code_; }
  // what() without the code.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  // True when the server sent this error (code() is a SQLSTATE and fields() is filled).
  [[nodiscard]] bool from_server() const noexcept { return server_; }
  // Every field of the server's ErrorResponse (empty for edgepg's own errors).
  [[nodiscard]] const pg::ErrorFields& fields() const noexcept { return fields_; }

 private:
  std::string code_;
  std::string message_;
  pg::ErrorFields fields_;
  bool server_ = false;
};

}  // namespace edgepg
