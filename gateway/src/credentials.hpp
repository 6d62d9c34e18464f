// The passwords the gateway logs in with (per role, and the sessions admin): read from a file (a trailing newline
// ignored) or an environment variable when a login needs them, so a rotated file applies to the next login; or a
// short-lived token sent as the password (only under TLS): for rds_iam an RDS IAM auth token signed by the core with
// AWS credentials from the default chain (environment keys, web identity, the container endpoint, IMDSv2; cached
// until five minutes before they expire); for cloudsql_iam a Google access token (workload identity federation) and
// for azure_entra a Microsoft Entra access token (federated client assertion), each from its role's provider and
// cached until five minutes before it expires.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "config.hpp"
#include "edgepg/client/access_token.hpp"
#include "edgepg/client/aws_credentials.hpp"

namespace edgepg::gateway {

// The password, or an empty string with `why` set (never the password) when it cannot be read.
std::string read_password(const std::string& file, const std::string& env, std::string& why);

// A role's upstream password, or why there is none.
struct RolePassword {
  std::string password;  // empty: none, see `why`
  std::string why;       // what failed and what to check; never a secret
  // A token service refused the exchange (its error code is in `why`): the gateway's own workload identity was not
  // accepted, as opposed to a service that could not be reached or a file that cannot be read.
  bool refused = false;
};

// The access-token providers of a configuration's cloudsql_iam and azure_entra roles: one per role, each with its
// cache (one exchange at a time; the token kept until CloudOptions::refresh_window_ms before it expires; after a
// failure, callers see it for one second). Built with each configuration, so a reload (SIGHUP) starts afresh; the
// token files are read at each exchange. Building exchanges nothing. Thread-safe.
class RoleTokens {
 public:
  explicit RoleTokens(const Config& config, const CloudOptions& cloud = {});
  // The role's provider; nullptr when it has no cloudsql_iam or azure_entra source.
  [[nodiscard]] const AccessTokenProvider* provider(const std::string& role) const;

 private:
  std::map<std::string, AccessTokenProvider> providers_;
};

AccessTokenProvider cloudsql_iam_provider(const CloudSqlIamConfig& config, const CloudOptions& cloud = {});
AccessTokenProvider azure_entra_provider(const AzureEntraConfig& config, const CloudOptions& cloud = {});

// The password of `role`: read_password; with rds_iam a token signed now with the process's default chain; with
// cloudsql_iam or azure_entra the access token of the role's provider in `tokens`. A token may need an exchange
// with the token service first, which blocks the calling thread for at most its 10 s timeout.
RolePassword role_password(const std::string& role, const RoleCredentials& credentials, const UpstreamConfig& upstream,
                           const RoleTokens& tokens);

// The RDS IAM token of `role` for rds_iam.host (or upstream.host) : rds_iam.port (or upstream.port) at `now`
// (seconds since the epoch) with credentials from `aws`. Empty with `why` set (never a secret) on failure.
std::string rds_iam_token(const std::string& role, const RdsIamConfig& rds_iam, const UpstreamConfig& upstream,
                          const AwsCredentialsProvider& aws, std::int64_t now, std::string& why);

}  // namespace edgepg::gateway
