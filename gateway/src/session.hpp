// One client session, whichever listener it came through: the PostgreSQL startup as a server (SSLRequest answered,
// CancelRequest forwarded), the token (the cleartext password, or the WebSocket upgrade's Bearer header) verified
// before any upstream connection opens, the upstream login AS the mapped role, then a byte relay both ways with
// the audit trail around it. Every refusal is an ErrorResponse the client library understands.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/thread_pool.hpp>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "audit.hpp"
#include "backend_pool.hpp"
#include "claims_channel.hpp"
#include "client_stream.hpp"
#include "config.hpp"
#include "credentials.hpp"
#include "crypto/tls.hpp"
#include "identity.hpp"
#include "metrics.hpp"

namespace edgepg::gateway {

// The listeners' certificates (listen.tls), one context per listener for its ALPN protocol; null without TLS.
struct ListenerTls {
  std::shared_ptr<const crypto::TlsServerContext> postgres;   // ALPN "postgresql"
  std::shared_ptr<const crypto::TlsServerContext> websocket;  // ALPN "http/1.1"
};

// What sessions share; thread-safe. A reload (SIGHUP) swaps the configuration, the verifier, the certificates and
// the roles' token providers (built from the configuration) for new sessions.
class Services {
 public:
  Services(Config config, std::shared_ptr<const IdentityVerifier> identity, ListenerTls tls);
  struct Snapshot {
    std::shared_ptr<const Config> config;
    std::shared_ptr<const IdentityVerifier> identity;
    ListenerTls tls;
    std::shared_ptr<const RoleTokens> tokens;  // cloudsql_iam and azure_entra roles' providers, of `config`
  };
  [[nodiscard]] Snapshot snapshot() const;
  void replace(Config config, std::shared_ptr<const IdentityVerifier> identity, ListenerTls tls);
  Audit audit;
  Metrics metrics;
  std::unique_ptr<ClaimsChannel> claims;  // set by the server: the admin connections of claims.sessions
  std::unique_ptr<BackendPool> pool;      // set by the server when the configuration has "pool" (at start)
  CancelKeys cancel_keys;
  std::atomic<std::uint64_t> next_session{1};
  // Where calls that may block run (a fetch of the issuer's keys): never on an io thread, whose other sessions
  // would wait for it.
  asio::thread_pool blocking{4};

 private:
  mutable std::mutex mutex_;
  Snapshot current_;
};

struct ClientInfo {
  std::string listener;  // "postgres" | "websocket"
  std::string peer;      // address:port
  bool secure = false;   // TLS or wss
  bool loopback = false;
  std::optional<std::string> bearer;  // from the WebSocket upgrade's Authorization header (already checked: b64token)
};

asio::awaitable<void> run_session(ClientStream& client, ClientInfo info, Services& services);

// identity.verify(...), on services.blocking when it may fetch keys (IdentityVerifier::may_block).
asio::awaitable<bool> verify_token(Services& services, const IdentityVerifier& identity, std::string_view token,
                                   std::string_view requested_role, Identity& out, Refusal& refusal);

// identity.warm(why), on services.blocking when it may fetch keys.
asio::awaitable<bool> warm_identity(Services& services, const IdentityVerifier& identity, std::string& why);

// role_password(...), on services.blocking when the role's password comes from a token service (rds_iam,
// cloudsql_iam, azure_entra): a fetch of fresh credentials blocks, and must not hold the sessions of an io thread.
asio::awaitable<RolePassword> fetch_role_password(Services& services, const std::string& role,
                                                  const RoleCredentials& credentials, const UpstreamConfig& upstream,
                                                  const RoleTokens& tokens);

}  // namespace edgepg::gateway
