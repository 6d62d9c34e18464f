#include "oauthbearer_login.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "edgepg/auth/oauthbearer.hpp"
#include "edgepg/pg/frontend.hpp"
#include "edgepg/pg/server_codec.hpp"

namespace edgepg::gateway {

asio::awaitable<std::string> oauthbearer_client_first(LoginChannel& client, pg::BackendWriter& w,
                                                      const std::string& user, const Config& config) {
  const std::string_view mechanisms[] = {auth::oauthbearer_mechanism};
  (void)w.authentication_sasl(mechanisms);
  co_await client.send(w);
  std::vector<std::uint8_t> first;
  const pg::RawMessage m = co_await client.next_message();
  pg::SaslInitialResponse initial;
  if (m.type != pg::frontend::password || !pg::decode_sasl_initial_response(m.body, initial)) {
    throw Refused{"08P01", "expected a SASLInitialResponse (OAUTHBEARER)", "protocol"};
  }
  if (initial.mechanism != auth::oauthbearer_mechanism) {
    throw Refused{"08P01",
                  "client selected an invalid SASL authentication mechanism (this listener offers only OAUTHBEARER)",
                  "protocol"};
  }
  if (initial.data) {
    first.assign(initial.data->begin(), initial.data->end());
  } else {
    (void)w.authentication_sasl_continue({});
    co_await client.send(w);
    const pg::RawMessage response = co_await client.next_message();
    if (response.type != pg::frontend::password) {
      throw Refused{"08P01", "expected a SASLResponse (the OAUTHBEARER client-first message)", "protocol"};
    }
    first.assign(response.body.begin(), response.body.end());
  }
  auth::OAuthBearerClientFirst parsed;
  const Status parsed_ok = auth::parse_oauthbearer_client_first(first, parsed);
  std::string token;
  std::string_view bearer;
  const bool discovery = parsed_ok && parsed.auth.empty();
  if (parsed_ok && !discovery && auth::oauthbearer_token(parsed.auth, bearer)) token.assign(bearer);
  const std::optional<std::string> authzid = parsed_ok ? parsed.authzid : std::nullopt;
  std::fill(first.begin(), first.end(), 0);
  if (!parsed_ok) throw Refused{"08P01", parsed_ok.message(), "protocol"};
  // gs2-authzid: the identity to act as; PostgreSQL has one, the startup user.
  if (authzid && *authzid != user) {
    std::fill(token.begin(), token.end(), '\0');
    throw Refused{"28000", "the SASL authorization identity (a=) must be the startup user name, or be left out",
                  "authzid"};
  }
  if (discovery) {
    const Refusal none{"ERR_JWT_MISSING", "discovery"};
    co_await oauthbearer_challenge(client, config, none);
    throw Refused{"", "", "oauth_discovery"};  // PostgreSQL 18 ends a discovery exchange without an error
  }
  co_return token;
}

asio::awaitable<void> oauthbearer_challenge(LoginChannel& client, const Config& config, const Refusal& refusal) {
  const auto& o = *config.listen.oauthbearer;
  const std::string challenge = auth::oauthbearer_error_challenge(o.scope, o.openid_configuration);
  pg::BackendWriter w;
  (void)w.authentication_sasl_continue(
      pg::Bytes(reinterpret_cast<const std::uint8_t*>(challenge.data()), challenge.size()));
  co_await client.send(w);
  const pg::RawMessage m = co_await client.next_message();
  if (m.type != pg::frontend::password || !auth::is_oauthbearer_error_ack(m.body)) {
    throw Refused{"08P01",
                  refusal.code + ": " + refusal.message +
                      " (and the client did not acknowledge the OAUTHBEARER error with a single kvsep)",
                  refusal.code};
  }
}

}  // namespace edgepg::gateway
