// AWS credentials without a stored key, sans-IO: STS AssumeRoleWithWebIdentity (a workload's OIDC token for a
// role's temporary credentials), the ECS/EKS container credentials endpoint and EC2's IMDSv2. Each builder makes the
// request (exchange.hpp) and each parser reads the answer; the faces send them (JS fetch, the native HTTPS client).
//
// STS (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html): an unsigned form
// POST "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=..&RoleSessionName=..&WebIdentityToken=..
// [&DurationSeconds=..]" to https://sts.<region>.amazonaws.com/ (amazonaws.com.cn in cn-* regions); the XML answer's
// Credentials (AccessKeyId, SecretAccessKey, SessionToken, Expiration), or an ErrorResponse whose Code
// (InvalidIdentityToken, ExpiredTokenException, IDPRejectedClaim, IDPCommunicationError, AccessDenied,
// RegionDisabledException, ...) becomes credentials_refused / credentials_unavailable with a message saying what to
// check.
//
// Container endpoint: GET the URL (AWS_CONTAINER_CREDENTIALS_FULL_URI, or http://169.254.170.2 +
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) with the Authorization token when one is set; JSON AccessKeyId,
// SecretAccessKey, Token, Expiration. IMDSv2: PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds), then
// GET /latest/meta-data/iam/security-credentials/ (the role name) and .../<role> (the same JSON, Code "Success"),
// both with X-aws-ec2-metadata-token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "edgepg/cloud/exchange.hpp"
#include "edgepg/sign/sigv4.hpp"
#include "edgepg/status.hpp"

namespace edgepg::cloud {

// Temporary (or long-term) AWS credentials and when they expire.
struct AwsCredentials {
  sign::Credentials credentials;
  std::int64_t expiration = 0;  // seconds since the Unix epoch; 0: does not expire (long-term keys)
};

struct WebIdentityParams {
  std::string role_arn;                // arn:aws:iam::123456789012:role/app
  std::string session_name;            // RoleSessionName: 2..64 of [A-Za-z0-9_+=,.@-]
  std::string token;                   // the workload's OIDC token (WebIdentityToken), 4..20,000 bytes
  std::string region;                  // us-east-1, eu-west-1, cn-north-1 ...; picks the regional endpoint
  std::uint32_t duration_seconds = 0;  // 900..43,200; 0: the role's default (one hour)
  std::string endpoint;                // overrides https://sts.<region>.amazonaws.com/ (https, or http to loopback)
};

// The STS endpoint of a region: https://sts.<region>.amazonaws.com/ (.amazonaws.com.cn for cn-*). Empty for a
// region name that is not [a-z0-9-].
std::string aws_sts_endpoint(std::string_view region);

Status aws_web_identity_request(const WebIdentityParams& params, Request& out);
// The XML answer. `now` (seconds since the epoch) only bounds the sanity check: credentials already expired at `now`
// are credentials_malformed.
Status parse_aws_web_identity(const Response& response, std::int64_t now, AwsCredentials& out, ProviderError& error);

// ---- the container credentials endpoint (ECS tasks, EKS Pod Identity) ----

// The URL to GET: `full_uri` when set (https, or http to loopback or to 169.254.170.2 / 169.254.170.23, the
// addresses ECS and EKS use), else http://169.254.170.2 + `relative_uri` (which must start with '/').
Status aws_container_url(std::string_view full_uri, std::string_view relative_uri, std::string& url);
// `authorization`: AWS_CONTAINER_AUTHORIZATION_TOKEN (or the file's contents); empty: no header.
Status aws_container_request(std::string_view url, std::string_view authorization, Request& out);
// The JSON answer (also IMDS's credentials document).
Status parse_aws_credentials_json(const Response& response, std::int64_t now, AwsCredentials& out,
                                  ProviderError& error);

// ---- EC2 instance metadata, IMDSv2 ----

inline constexpr std::string_view imds_default_endpoint = "http://169.254.169.254";
inline constexpr std::uint32_t imds_token_ttl_seconds = 21'600;

// endpoint: http://169.254.169.254 (AWS_EC2_METADATA_SERVICE_ENDPOINT may override: https, or http to loopback or
// to the metadata addresses).
Status imds_token_request(std::string_view endpoint, Request& out);
Status parse_imds_token(const Response& response, std::string& token);
Status imds_role_request(std::string_view endpoint, std::string_view token, Request& out);
// The first role the instance profile lists.
Status parse_imds_role(const Response& response, std::string& role);
Status imds_credentials_request(std::string_view endpoint, std::string_view token, std::string_view role, Request& out);

}  // namespace edgepg::cloud
