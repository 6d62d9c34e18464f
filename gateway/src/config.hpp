// edgepg-gateway's configuration: one JSON file (docs/GATEWAY.md lists every key). Unknown keys are refused with
// their path, so a typo never silently turns a protection off.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace edgepg::gateway {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  // host:port, an IPv6 host in brackets ("[::1]:6432", as the configuration also takes it).
  [[nodiscard]] std::string text() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
};

struct TlsFiles {
  std::string cert_file;
  std::string key_file;
};

// listen.oauthbearer: the postgres listener asks for SASL OAUTHBEARER (PostgreSQL 18, RFC 7628) instead of the
// token as a cleartext password. scope and openid_configuration go into the error challenge for a refused token.
struct OAuthBearerConfig {
  std::string scope = "openid";
  std::string openid_configuration;  // parse_config fills it from identity.issuer when not given
};

struct ListenConfig {
  std::optional<Endpoint> websocket;
  std::optional<Endpoint> postgres;
  std::optional<Endpoint> http;
  std::optional<TlsFiles> tls;
  std::optional<OAuthBearerConfig> oauthbearer;
};

struct UpstreamConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5432;
  std::string sslmode = "prefer";
  std::string sslrootcert;
  std::vector<std::string> databases;        // empty: any
  std::vector<std::string> allow_addresses;  // WebSocket ?address= values; empty: only host:port
};

struct IdentityConfig {
  std::string issuer;
  std::string audience;
  std::vector<std::string> algorithms;
  std::string jwks_url;
  std::string jwks_file;
  std::string secret_file;
  std::string role_claim = "role";
  std::vector<std::string> allowed_roles;
  std::string anonymous_role;
  int clock_tolerance_s = 30;
  int token_cache_entries = 1024;  // verified tokens kept until exp (0: every login verifies its token's signature)
};

// An RDS IAM login: the password is an auth token the core signs with AWS credentials from the default chain.
struct RdsIamConfig {
  std::string region;                 // eu-west-1 ...
  std::string host;                   // the name the token is signed for; empty: upstream.host
  std::optional<std::uint16_t> port;  // empty: upstream.port
};

// A Cloud SQL IAM login: the password is a Google access token from workload identity federation (the workload's
// OIDC token, read from token_file at each refresh, exchanged at Google STS; with service_account, then for that
// account's token at IAM Credentials).
struct CloudSqlIamConfig {
  std::string audience;  // //iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<p>/providers/<q>
  std::string token_file;
  std::string service_account;           // empty: the federated token itself
  std::vector<std::string> scopes;       // empty: sqlservice.login
  std::string sts_endpoint;              // endpoints.sts; empty: https://sts.googleapis.com/v1/token
  std::string iam_credentials_endpoint;  // endpoints.iam_credentials; empty: https://iamcredentials.googleapis.com
};

// An Azure Database for PostgreSQL login with a Microsoft Entra token: the workload's OIDC token (token_file, read at
// each refresh) sent as a federated client assertion. Absent keys come from AKS workload identity's variables when
// the configuration is read: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST.
struct AzureEntraConfig {
  std::string tenant_id;
  std::string client_id;
  std::string token_file;
  std::string authority_host;  // empty: https://login.microsoftonline.com
  std::string scope;           // empty: https://ossrdbms-aad.database.windows.net/.default
};

// How the gateway logs in as a role: a password from a file or an environment variable (re-read on SIGHUP), or a
// short-lived token (an RDS IAM token, a Google or an Entra access token) sent as the password under TLS.
struct RoleCredentials {
  std::string password_file;
  std::string password_env;
  std::optional<RdsIamConfig> rds_iam;
  std::optional<CloudSqlIamConfig> cloudsql_iam;
  std::optional<AzureEntraConfig> azure_entra;

  // A token source: the login sends the token as the cleartext password the server asks for, only under TLS.
  [[nodiscard]] bool sends_token() const { return rds_iam || cloudsql_iam || azure_entra; }
};

struct SessionsConfig {
  std::string user = "edgepg_admin";
  std::string password_file;
  std::string password_env;
};

struct ClaimsConfig {
  std::string setting = "request.jwt.claims";  // empty: no claims in the startup options
  std::optional<SessionsConfig> sessions;
};

struct AuditConfig {
  std::string file = "-";  // "-": standard output; "": no audit
  bool statements = false;
};

struct LimitsConfig {
  std::size_t max_clients = 1000;
  int auth_timeout_ms = 10'000;
  int idle_timeout_ms = 0;
  int drain_timeout_ms = 30'000;
  std::size_t max_message_bytes = 64 * 1024 * 1024;
};

// Warm backends per (role, database); absent: one fresh upstream login per client session.
struct PoolConfig {
  std::size_t min_idle = 0;         // kept logged in and idle (replenished when a client takes one)
  std::size_t max = 10;             // backends per (role, database): idle, held and logging in
  int idle_timeout_ms = 300'000;    // an idle backend older than this is closed (0: never)
  int max_lifetime_ms = 3'600'000;  // a backend older than this is closed when it comes back (0: never)
};

struct Config {
  ListenConfig listen;
  UpstreamConfig upstream;
  IdentityConfig identity;
  std::map<std::string, RoleCredentials> roles;
  ClaimsConfig claims;
  AuditConfig audit;
  LimitsConfig limits;
  std::optional<PoolConfig> pool;
};

// Parses and checks the configuration text. Throws ConfigError naming the key's path and what is wrong.
Config parse_config(const std::string& json_text);
Config load_config(const std::string& path);

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace edgepg::gateway
