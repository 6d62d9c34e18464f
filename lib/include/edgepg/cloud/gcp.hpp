// Google Cloud access tokens without a stored key, sans-IO: workload identity federation.
//
// 1. STS token exchange (RFC 8693; https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token): a form
//    POST to https://sts.googleapis.com/v1/token with grant_type=urn:ietf:params:oauth:grant-type:token-exchange,
//    audience (the workload identity pool provider, //iam.googleapis.com/projects/<n>/locations/global/
//    workloadIdentityPools/<pool>/providers/<provider>), scope, requested_token_type=urn:ietf:params:oauth:
//    token-type:access_token, subject_token (the OIDC token), subject_token_type=urn:ietf:params:oauth:token-type:jwt.
//    Answer: JSON access_token, expires_in (seconds); errors: JSON error, error_description (invalid_grant,
//    invalid_request, invalid_target, unauthorized_client, invalid_scope, ...).
// 2. Optionally, service-account impersonation (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/
//    projects.serviceAccounts/generateAccessToken): POST https://iamcredentials.googleapis.com/v1/projects/-/
//    serviceAccounts/<email>:generateAccessToken, Authorization: Bearer <the STS token>, JSON {"scope": [...],
//    "lifetime": "<n>s"}; answer accessToken, expireTime (RFC 3339); errors: JSON error {code, message, status}.
// With impersonation the STS token is asked for the cloud-platform scope and the final token for `scopes`.
// Cloud SQL IAM database authentication takes the final access token as the password (scope sqlservice.login).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/cloud/exchange.hpp"
#include "edgepg/status.hpp"

namespace edgepg::cloud {

inline constexpr std::string_view gcp_sts_default_endpoint = "https://sts.googleapis.com/v1/token";
inline constexpr std::string_view gcp_iam_credentials_default_endpoint = "https://iamcredentials.googleapis.com";
inline constexpr std::string_view gcp_sqlservice_login_scope = "https://www.googleapis.com/auth/sqlservice.login";
inline constexpr std::string_view gcp_cloud_platform_scope = "https://www.googleapis.com/auth/cloud-platform";

struct GcpStsParams {
  std::string audience;             // //iam.googleapis.com/... (the pool provider's full resource name)
  std::string token;                // the workload's OIDC token (a JWT)
  std::vector<std::string> scopes;  // empty: sqlservice.login
  std::string endpoint;             // empty: gcp_sts_default_endpoint
};

Status gcp_sts_request(const GcpStsParams& params, Request& out);
// `now`: seconds since the epoch, for the answer's relative expires_in.
Status parse_gcp_sts(const Response& response, std::int64_t now, AccessToken& out, ProviderError& error);

struct GcpImpersonationParams {
  std::string service_account;            // app@project.iam.gserviceaccount.com
  std::vector<std::string> scopes;        // empty: sqlservice.login
  std::uint32_t lifetime_seconds = 3600;  // 1..43,200 (over 3600 needs the org policy that allows it)
  std::string endpoint;                   // empty: gcp_iam_credentials_default_endpoint (the origin; the path is added)
};

// `sts_token`: the federated access token of step 1 (sent as the bearer token).
Status gcp_impersonation_request(const GcpImpersonationParams& params, std::string_view sts_token, Request& out);
Status parse_gcp_impersonation(const Response& response, std::int64_t now, AccessToken& out, ProviderError& error);

}  // namespace edgepg::cloud
