// Bearer access tokens for native services with no stored key (issue #16): Google Cloud (workload identity
// federation, optional service-account impersonation: Cloud SQL IAM database authentication takes the token as the
// password) and Microsoft Entra ID (a federated client assertion: Azure Database for PostgreSQL takes it), over the
// core's exchanges (edgepg/cloud/gcp.hpp, azure.hpp) and the native HTTPS client. Cached like aws_credentials.hpp's
// providers, with its errors (ECREDENTIALS, ETIMEDOUT, EINVAL, the transports' codes), never a token in a message.
//
//   auto entra = edgepg::azure_access_token(edgepg::azure_options_from_env());  // AKS workload identity
//   options.password_provider = entra.password();
//   options.require_auth = "password";
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "edgepg/client/cloud_options.hpp"
#include "edgepg/cloud/exchange.hpp"

namespace edgepg {

class AccessTokenProvider {
 public:
  // One uncached exchange; `now` in seconds since the epoch. Throws edgepg::Error.
  using Fetch = std::function<cloud::AccessToken(std::int64_t now)>;
  AccessTokenProvider(std::string name, Fetch fetch, CloudOptions options = {});

  // The cached token, exchanged when missing or about to expire. Throws edgepg::Error.
  [[nodiscard]] std::string token() const;
  // token() as a password function (ConnectOptions::password_provider).
  [[nodiscard]] std::function<std::string()> password() const;
  void invalidate() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

struct GcpAccessTokenOptions {
  std::string audience;  // //iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<p>/providers/<q>
  TokenSource token;
  std::string service_account;      // empty: the federated token itself
  std::vector<std::string> scopes;  // empty: sqlservice.login
  std::uint32_t lifetime_seconds = 3600;
  std::string sts_endpoint;  // empty: https://sts.googleapis.com/v1/token
  std::string iam_endpoint;  // empty: https://iamcredentials.googleapis.com
};
AccessTokenProvider gcp_access_token(GcpAccessTokenOptions options, CloudOptions cloud = {});

struct AzureAccessTokenOptions {
  std::string tenant_id;
  std::string client_id;
  TokenSource token;
  std::string scope;           // empty: https://ossrdbms-aad.database.windows.net/.default
  std::string authority_host;  // empty: https://login.microsoftonline.com
};
// AKS workload identity's variables: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE,
// AZURE_AUTHORITY_HOST.
AzureAccessTokenOptions azure_options_from_env();
AccessTokenProvider azure_access_token(AzureAccessTokenOptions options, CloudOptions cloud = {});

}  // namespace edgepg
