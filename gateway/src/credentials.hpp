// The passwords the gateway logs in with (per role, and the sessions admin): read from a file (a trailing newline
// ignored) or an environment variable when a login needs them, so a rotated file applies to the next login; or, for
// a role with rds_iam, an RDS IAM auth token signed by the core with AWS credentials from the default chain
// (environment keys, web identity, the container endpoint, IMDSv2; cached until five minutes before they expire).
#pragma once

#include <cstdint>
#include <string>

#include "config.hpp"
#include "edgepg/client/aws_credentials.hpp"

namespace edgepg::gateway {

// The password, or an empty string with `why` set (never the password) when it cannot be read.
std::string read_password(const std::string& file, const std::string& env, std::string& why);

// The password of `role`: read_password, or with rds_iam a token signed now with the process's default chain (the
// first use may block for an exchange with the credentials service, bounded by its 10 s timeout). Empty with `why`
// set (never a secret) when there is none.
std::string role_password(const std::string& role, const RoleCredentials& credentials, const UpstreamConfig& upstream,
                          std::string& why);

// The RDS IAM token of `role` for rds_iam.host (or upstream.host) : rds_iam.port (or upstream.port) at `now`
// (seconds since the epoch) with credentials from `aws`. Empty with `why` set (never a secret) on failure.
std::string rds_iam_token(const std::string& role, const RdsIamConfig& rds_iam, const UpstreamConfig& upstream,
                          const AwsCredentialsProvider& aws, std::int64_t now, std::string& why);

}  // namespace edgepg::gateway
