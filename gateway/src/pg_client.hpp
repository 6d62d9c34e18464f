// The core's frontend state machine (pg::Connection) driven over an Asio TCP socket, under TLS per
// upstream.sslmode (libpq's meanings: disable/allow plain; prefer TLS when offered; require TLS, the certificate
// checked only when sslrootcert is set; verify-ca the chain; verify-full the chain and the host name): a login
// (SCRAM only: the gateway's own credentials never go out in cleartext or as MD5), then extended-protocol queries
// with text parameters. Used for the upstream login of each session and for the admin connection of the claims
// channel.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"
#include "transport.hpp"

namespace edgepg::gateway {

struct LoginRequest {
  std::string user;
  std::string password;  // wiped by the core once used
  std::string database;
  std::string application_name;
  std::string options;  // the startup "options" parameter
  // A token (rds_iam, cloudsql_iam, azure_entra): sent as the cleartext password the server asks for, and only
  // under TLS (refused otherwise).
  bool cleartext_under_tls = false;
};

// A failure the client of the gateway gets as an ErrorResponse: 08006 unreachable, 57P03 not accepting, 08004 the
// login refused, or the server's SQLSTATE of a failed query.
struct PgClientError : std::runtime_error {
  PgClientError(std::string sqlstate_, const std::string& message)
      : std::runtime_error(message), sqlstate(std::move(sqlstate_)) {}
  std::string sqlstate;
};

using Row = std::vector<std::optional<std::string>>;

class PgClient {
 public:
  PgClient();
  ~PgClient();
  PgClient(PgClient&&) noexcept;
  PgClient& operator=(PgClient&&) noexcept;

  // Connects and logs in; throws PgClientError.
  asio::awaitable<void> login(const UpstreamConfig& upstream, LoginRequest request);
  // One statement with text parameters; the rows as text. Throws PgClientError (the server's SQLSTATE).
  // statement: "" for the unnamed statement (parsed each time); a name to parse `sql` once per connection and then
  // only bind and execute it (for the statements a connection runs again and again).
  asio::awaitable<std::vector<Row>> query(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                                          const std::string& statement = {});

  // After login: what the server reported.
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& parameters() const;
  [[nodiscard]] std::int32_t process_id() const;
  [[nodiscard]] std::int32_t secret_key() const;
  [[nodiscard]] bool usable() const;
  // Hands the connection over (for a relay); the client is unusable afterwards.
  Transport release_transport();

 private:
  struct State;
  asio::awaitable<void> exchange();  // writes pending output, reads until ReadyForQuery
  std::unique_ptr<State> s_;
};

}  // namespace edgepg::gateway
