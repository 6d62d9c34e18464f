// Microsoft Entra ID access tokens without a stored secret, sans-IO: the client-credentials grant with a federated
// client assertion (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow, "third
// case: access token request with a federated credential"). A form POST to
// https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token with client_id, scope, client_assertion_type=
// urn:ietf:params:oauth:client-assertion-type:jwt-bearer, client_assertion (the workload's OIDC token, e.g. AKS's
// AZURE_FEDERATED_TOKEN_FILE), grant_type=client_credentials. Answer: JSON access_token, expires_in; errors: JSON
// error, error_description ("AADSTS70021: No matching federated identity record found ..."), error_codes.
// Azure Database for PostgreSQL takes the token (scope https://ossrdbms-aad.database.windows.net/.default) as the
// password.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "edgepg/cloud/exchange.hpp"
#include "edgepg/status.hpp"

namespace edgepg::cloud {

inline constexpr std::string_view azure_default_authority = "https://login.microsoftonline.com";
inline constexpr std::string_view azure_postgres_scope = "https://ossrdbms-aad.database.windows.net/.default";

struct AzureParams {
  std::string tenant_id;       // a GUID or a domain (contoso.onmicrosoft.com)
  std::string client_id;       // the app registration's or managed identity's client id
  std::string token;           // the workload's OIDC token (the client assertion)
  std::string scope;           // empty: azure_postgres_scope
  std::string authority_host;  // empty: azure_default_authority (AZURE_AUTHORITY_HOST)
};

Status azure_token_request(const AzureParams& params, Request& out);
// `now`: seconds since the epoch, for the answer's relative expires_in.
Status parse_azure_token(const Response& response, std::int64_t now, AccessToken& out, ProviderError& error);

}  // namespace edgepg::cloud
