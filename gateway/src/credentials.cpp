#include "credentials.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "edgepg/error.hpp"
#include "edgepg/sign/rds_token.hpp"

namespace edgepg::gateway {
namespace {

// The RDS IAM token, or why there is none (a refusal by AWS STS marked as one).
RolePassword sign_rds_iam(const std::string& role, const RdsIamConfig& rds_iam, const UpstreamConfig& upstream,
                          const AwsCredentialsProvider& aws, std::int64_t now) {
  RolePassword out;
  try {
    const cloud::AwsCredentials c = aws.credentials();
    const std::string& host = rds_iam.host.empty() ? upstream.host : rds_iam.host;
    const Status s = sign::rds_auth_token(host, rds_iam.port.value_or(upstream.port), role, rds_iam.region,
                                          c.credentials, now, out.password);
    if (!s) {
      out.password.clear();
      out.why = "the RDS IAM token could not be signed: " + s.message();
    }
  } catch (const Error& e) {
    out.why =
        "no AWS credentials for rds_iam (" + aws.name() + "): " + e.what();  // the providers' messages hold no secret
    out.refused = e.error_code() == ErrorCode::credentials_refused;
  }
  return out;
}

RolePassword access_token(const char* source, const AccessTokenProvider& provider) {
  RolePassword out;
  try {
    out.password = provider.token();
  } catch (const Error& e) {
    // The core's messages name the service, its error code (invalid_grant, AADSTS70021, ...) and what to check;
    // a token the service quoted is redacted.
    out.why = std::string("no access token for ") + source + ": " + e.what();
    out.refused = e.error_code() == ErrorCode::credentials_refused;
  }
  return out;
}

}  // namespace

std::string read_password(const std::string& file, const std::string& env, std::string& why) {
  if (file.empty() && env.empty()) {
    why = "no password_file, password_env, rds_iam, cloudsql_iam or azure_entra";
    return {};
  }
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (v == nullptr || *v == '\0') why = "the environment variable " + env + " is not set";
    return v == nullptr ? std::string() : std::string(v);
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    why = "cannot read the password file " + file;
    return {};
  }
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) why = "the password file " + file + " is empty";
  return text;
}

AccessTokenProvider cloudsql_iam_provider(const CloudSqlIamConfig& config, const CloudOptions& cloud) {
  GcpAccessTokenOptions o;
  o.audience = config.audience;
  o.token.file = config.token_file;
  o.service_account = config.service_account;
  o.scopes = config.scopes;
  o.sts_endpoint = config.sts_endpoint;
  o.iam_endpoint = config.iam_credentials_endpoint;
  return gcp_access_token(std::move(o), cloud);
}

AccessTokenProvider azure_entra_provider(const AzureEntraConfig& config, const CloudOptions& cloud) {
  AzureAccessTokenOptions o;
  o.tenant_id = config.tenant_id;
  o.client_id = config.client_id;
  o.token.file = config.token_file;
  o.scope = config.scope;
  o.authority_host = config.authority_host;
  return azure_access_token(std::move(o), cloud);
}

RoleTokens::RoleTokens(const Config& config, const CloudOptions& cloud) {
  for (const auto& [role, credentials] : config.roles) {
    if (credentials.cloudsql_iam) providers_.emplace(role, cloudsql_iam_provider(*credentials.cloudsql_iam, cloud));
    if (credentials.azure_entra) providers_.emplace(role, azure_entra_provider(*credentials.azure_entra, cloud));
  }
}

const AccessTokenProvider* RoleTokens::provider(const std::string& role) const {
  const auto it = providers_.find(role);
  return it == providers_.end() ? nullptr : &it->second;
}

std::string rds_iam_token(const std::string& role, const RdsIamConfig& rds_iam, const UpstreamConfig& upstream,
                          const AwsCredentialsProvider& aws, std::int64_t now, std::string& why) {
  RolePassword p = sign_rds_iam(role, rds_iam, upstream, aws, now);
  why = std::move(p.why);
  return std::move(p.password);
}

RolePassword role_password(const std::string& role, const RoleCredentials& credentials, const UpstreamConfig& upstream,
                           const RoleTokens& tokens) {
  if (credentials.rds_iam) {
    static const AwsCredentialsProvider chain = aws_default_chain();  // one cache for the process
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return sign_rds_iam(role, *credentials.rds_iam, upstream, chain, now);
  }
  if (credentials.cloudsql_iam || credentials.azure_entra) {
    const char* source = credentials.cloudsql_iam ? "cloudsql_iam" : "azure_entra";
    const AccessTokenProvider* provider = tokens.provider(role);
    if (provider == nullptr) return {{}, std::string("the ") + source + " provider of the role is missing", false};
    return access_token(source, *provider);
  }
  RolePassword out;
  out.password = read_password(credentials.password_file, credentials.password_env, out.why);
  return out;
}

}  // namespace edgepg::gateway
