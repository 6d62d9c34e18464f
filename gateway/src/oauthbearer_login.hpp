// PostgreSQL 18's SASL OAUTHBEARER login (RFC 7628 §3.2, as PostgreSQL runs it) on the gateway's postgres listener
// (listen.oauthbearer): the exchange with the client; the token it yields is verified like a cleartext one.
#pragma once

#include <asio/awaitable.hpp>
#include <string>

#include "config.hpp"
#include "identity.hpp"
#include "login_channel.hpp"

namespace edgepg::gateway {

// AuthenticationSASL offering only OAUTHBEARER, then the client-first message, in the SASLInitialResponse or, when
// that has none, in a SASLResponse after an empty SASLContinue. Returns the bearer token, or "" when the auth value
// is not "Bearer <b64token>" (an invalid token, as PostgreSQL counts it). Throws Refused: 08P01 for a malformed
// message, 28000 for an authorization identity (a=) other than `user`; a discovery request (an empty auth value)
// gets the error challenge and then the end of the connection without an error, as PostgreSQL 18 does.
asio::awaitable<std::string> oauthbearer_client_first(LoginChannel& client, pg::BackendWriter& w,
                                                      const std::string& user, const Config& config);

// A refused token: the error challenge (AuthenticationSASLContinue with RFC 7628 §3.2.2's JSON), then the client's
// acknowledgement, a single kvsep (else Refused 08P01); the caller then sends the ErrorResponse.
asio::awaitable<void> oauthbearer_challenge(LoginChannel& client, const Config& config, const Refusal& refusal);

}  // namespace edgepg::gateway
