// The cloud token exchanges (edgepg/cloud/*.hpp) for JS: the core builds each request and reads each answer; JS's
// fetch sends it (wasm/src/keyless-*.js). Requests cross with their headers as "Name: value" lines; answers come back
// as plain values with the status code, the registry's name, a message without secrets and the service's own error
// code (`detail`). Times cross as seconds since the epoch (doubles).
#pragma once

#include <string>

namespace edgepg::bindings {

struct CloudRequestOut {
  int code = 0;
  std::string name;
  std::string message;
  std::string method;
  std::string url;
  std::string headers;  // "Name: value" per line
  std::string body;
};

struct AwsCredentialsOut {
  int code = 0;
  std::string name;
  std::string message;
  std::string detail;  // the service's error code, e.g. "InvalidIdentityToken"
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  double expiration = 0;  // seconds since the epoch
};

struct AccessTokenOut {
  int code = 0;
  std::string name;
  std::string message;
  std::string detail;
  std::string access_token;
  double expires_at = 0;  // seconds since the epoch
};

CloudRequestOut aws_web_identity_request(const std::string& role_arn, const std::string& session_name,
                                         const std::string& token, const std::string& region, double duration_seconds,
                                         const std::string& endpoint);
AwsCredentialsOut parse_aws_web_identity(double status, const std::string& body, double now_seconds);

// scopes: one per line (empty: sqlservice.login).
CloudRequestOut gcp_sts_request(const std::string& audience, const std::string& token, const std::string& scopes,
                                const std::string& endpoint);
AccessTokenOut parse_gcp_sts(double status, const std::string& body, double now_seconds);
CloudRequestOut gcp_impersonation_request(const std::string& service_account, const std::string& scopes,
                                          double lifetime_seconds, const std::string& endpoint,
                                          const std::string& sts_token);
AccessTokenOut parse_gcp_impersonation(double status, const std::string& body, double now_seconds);

CloudRequestOut azure_token_request(const std::string& tenant_id, const std::string& client_id,
                                    const std::string& token, const std::string& scope,
                                    const std::string& authority_host);
AccessTokenOut parse_azure_token(double status, const std::string& body, double now_seconds);

}  // namespace edgepg::bindings
