// AWS credentials for native services with no stored key (issue #16), over the core's sans-IO exchanges
// (edgepg/cloud/aws.hpp) and the native HTTPS client. Each provider caches its credentials in a BlockingTokenCache
// until their Expiration minus CloudOptions::refresh_window_ms (single flight across threads; after a failure, callers
// see it for one second, then the next one retries). Providers are cheap handles: copies share one cache.
//
//   auto aws = edgepg::aws_default_chain();  // env keys, web identity, container endpoint, IMDSv2: the SDKs' order
//   edgepg::ConnectOptions o = edgepg::parse_connection_string(
//       "host=db.abc.eu-west-1.rds.amazonaws.com user=iam_app dbname=app sslmode=verify-full sslrootcert=rds.pem");
//   o.password_provider = edgepg::rds_iam_password(aws, o.host, o.port, o.user, "eu-west-1");
//   o.require_auth = "password";  // RDS takes the token as a cleartext password (over TLS)
//   edgepg::Pool pool(o);
//
// Errors (edgepg::Error; messages name the service and what to check, never a token, key or secret):
//   ECREDENTIALS  the service refused (its error code, e.g. InvalidIdentityToken, in the message), failed (5xx, 429),
//                 answered something unreadable or over 64 KiB; no source is configured; the token file cannot be read
//   ETIMEDOUT     the service did not answer within CloudOptions::timeout
//   EINVAL        an unusable option (role ARN, region, endpoint not https:// ...), a token function that threw
//   and the transports' codes: ECONNREFUSED, ENOTFOUND, ECERT, ETLS, ECONNRESET.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "edgepg/client/cloud_options.hpp"
#include "edgepg/cloud/aws.hpp"

namespace edgepg {

class AwsCredentialsProvider {
 public:
  // One uncached exchange; `now` in seconds since the epoch. Throws edgepg::Error.
  using Fetch = std::function<cloud::AwsCredentials(std::int64_t now)>;
  // `name` says where the credentials come from (in messages). Any source can be wrapped (e.g. a test's).
  AwsCredentialsProvider(std::string name, Fetch fetch, CloudOptions options = {});

  // The cached credentials, exchanged when missing or about to expire. Throws edgepg::Error.
  [[nodiscard]] cloud::AwsCredentials credentials() const;
  // Forget the cached credentials: the next call exchanges.
  void invalidate() const;
  [[nodiscard]] const std::string& name() const noexcept;
  // Milliseconds since the epoch, by the provider's clock.
  [[nodiscard]] std::int64_t now_ms() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// ---- the sources ----

struct AwsWebIdentityOptions {
  std::string role_arn;  // arn:aws:iam::123456789012:role/app
  std::string region;    // picks the regional STS endpoint
  TokenSource token;     // the workload's OIDC token, read at each refresh
  std::string session_name = "edgepg";
  std::uint32_t duration_seconds = 0;  // 0: the role's default
  std::string endpoint;                // empty: https://sts.<region>.amazonaws.com/
};
// STS AssumeRoleWithWebIdentity.
AwsCredentialsProvider aws_web_identity(AwsWebIdentityOptions options, CloudOptions cloud = {});

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (read again hourly: keys without an expiration).
AwsCredentialsProvider aws_environment_keys(CloudOptions cloud = {});

struct AwsContainerOptions {
  std::string full_uri;                  // AWS_CONTAINER_CREDENTIALS_FULL_URI
  std::string relative_uri;              // AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on http://169.254.170.2)
  std::string authorization_token;       // AWS_CONTAINER_AUTHORIZATION_TOKEN
  std::string authorization_token_file;  // AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: wins, re-read at each refresh
};
// The four variables above from the environment (unset ones empty).
AwsContainerOptions aws_container_options_from_env();
// The ECS / EKS Pod Identity container credentials endpoint.
AwsCredentialsProvider aws_container_credentials(AwsContainerOptions options, CloudOptions cloud = {});

// EC2 IMDSv2: a session token (PUT), the instance profile's role, its credentials. `endpoint` empty:
// AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254.
AwsCredentialsProvider aws_imds_credentials(std::string endpoint = {}, CloudOptions cloud = {});

struct AwsChainOptions {
  std::string region;         // for STS; empty: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1
  std::string sts_endpoint;   // empty: AWS_ENDPOINT_URL_STS, else the region's
  std::string imds_endpoint;  // empty: as aws_imds_credentials
};
// The AWS SDKs' default chain, chosen at each refresh by what the environment configures: environment keys
// (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY), web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, optional
// AWS_ROLE_SESSION_NAME), the container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI), then IMDSv2
// unless AWS_EC2_METADATA_DISABLED=true. A configured source that fails is the error (no silent fall-through).
AwsCredentialsProvider aws_default_chain(AwsChainOptions options = {}, CloudOptions cloud = {});

// ---- RDS IAM ----

// A password function for ConnectOptions::password_provider (Connection, Pool): a fresh RDS IAM auth token
// (15 minutes), signed by the core (sign::rds_auth_token) with the provider's credentials at each connect. Ask for
// require_auth "password": RDS takes the token as a cleartext password, which must only travel over TLS.
std::function<std::string()> rds_iam_password(AwsCredentialsProvider provider, std::string host, std::uint16_t port,
                                              std::string user, std::string region);

}  // namespace edgepg
