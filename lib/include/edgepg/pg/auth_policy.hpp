// Which authentication exchanges a client agrees to, libpq's way (require_auth, PostgreSQL 16), so that a server
// or proxy cannot talk the client into a weaker one: a password the user meant for SCRAM never goes out in
// cleartext or as an MD5 hash to a server that merely asks for it, and a server that "logs in" without asking for
// the configured password (trust) is refused rather than believed.
//
// require_auth syntax: a comma-separated list of methods, all plain or all negated with '!':
//   password       AuthenticationCleartextPassword (RDS IAM tokens, edgepg-gateway's token-as-password)
//   md5            AuthenticationMD5Password
//   scram-sha-256  SASL with SCRAM-SHA-256 (the server proves it knows the password too)
//   none           the server accepts the login without any authentication request
// "scram-sha-256" allows SCRAM only; "!password,!md5" allows everything but those; "" allows everything.
// libpq's gss and sspi are accepted in lists but this client never answers those requests anyway.
#pragma once

#include <string_view>

#include "edgepg/status.hpp"

namespace edgepg::pg {

struct AuthPolicy {
  bool none = true;
  bool password = true;
  bool md5 = true;
  bool scram = true;

  static constexpr AuthPolicy any() noexcept { return {}; }
  static constexpr AuthPolicy scram_only() noexcept { return {false, false, false, true}; }
  // The methods allowed, as "none, password, md5, scram-sha-256" names, for messages.
  [[nodiscard]] std::string describe() const;
};

// Parses a require_auth value. ErrorCode::invalid_argument names the bad method (values carry no secrets).
Status parse_require_auth(std::string_view text, AuthPolicy& out);

// channel_binding: disable | prefer | require. This client implements no SCRAM-SHA-256-PLUS, so `require` is
// refused at parse time with ErrorCode::invalid_argument and a message saying what to do, never silently weakened.
enum class ChannelBinding { disable, prefer, require };
Status parse_channel_binding(std::string_view text, ChannelBinding& out);

}  // namespace edgepg::pg
