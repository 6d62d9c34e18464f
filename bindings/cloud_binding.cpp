#include "cloud_binding.hpp"

#include <cmath>

#include "edgepg/cloud/aws.hpp"
#include "edgepg/cloud/azure.hpp"
#include "edgepg/cloud/gcp.hpp"
#include "lists.hpp"

namespace edgepg::bindings {
namespace {

template <typename Out>
void set_status(Out& out, const Status& s) {
  out.code = static_cast<int>(s.code());
  out.name = s.ok() ? "" : s.name();
  out.message = s.message();
}

CloudRequestOut request_out(const Status& s, cloud::Request&& r) {
  CloudRequestOut out;
  set_status(out, s);
  if (!s.ok()) return out;
  out.method = std::move(r.method);
  out.url = std::move(r.url);
  for (const auto& h : r.headers) out.headers += h.name + ": " + h.value + "\n";
  out.body = std::move(r.body);
  return out;
}

// A JS number as a whole count within [0, max]; anything else becomes `invalid` (which the core then refuses).
std::uint32_t whole(double v, std::uint32_t invalid) {
  return v >= 0 && v <= 4'294'967'295.0 && std::floor(v) == v ? static_cast<std::uint32_t>(v) : invalid;
}

cloud::Response response(double status, const std::string& body) {
  return {status >= 100 && status <= 599 ? static_cast<int>(status) : 0, body};
}

std::int64_t seconds(double now) { return static_cast<std::int64_t>(std::floor(now)); }

AccessTokenOut token_out(const Status& s, cloud::AccessToken&& t, const cloud::ProviderError& e) {
  AccessTokenOut out;
  set_status(out, s);
  out.detail = e.code;
  if (!s.ok()) return out;
  out.access_token = std::move(t.token);
  out.expires_at = static_cast<double>(t.expires_at);
  return out;
}

}  // namespace

CloudRequestOut aws_web_identity_request(const std::string& role_arn, const std::string& session_name,
                                         const std::string& token, const std::string& region, double duration_seconds,
                                         const std::string& endpoint) {
  cloud::WebIdentityParams p{role_arn, session_name, token, region, whole(duration_seconds, 1), endpoint};
  cloud::Request r;
  const Status s = cloud::aws_web_identity_request(p, r);
  return request_out(s, std::move(r));
}

AwsCredentialsOut parse_aws_web_identity(double status, const std::string& body, double now_seconds) {
  cloud::AwsCredentials c;
  cloud::ProviderError e;
  const Status s = cloud::parse_aws_web_identity(response(status, body), seconds(now_seconds), c, e);
  AwsCredentialsOut out;
  set_status(out, s);
  out.detail = e.code;
  if (!s.ok()) return out;
  out.access_key_id = std::move(c.credentials.access_key_id);
  out.secret_access_key = std::move(c.credentials.secret_access_key);
  out.session_token = std::move(c.credentials.session_token);
  out.expiration = static_cast<double>(c.expiration);
  return out;
}

CloudRequestOut gcp_sts_request(const std::string& audience, const std::string& token, const std::string& scopes,
                                const std::string& endpoint) {
  cloud::Request r;
  const Status s = cloud::gcp_sts_request({audience, token, split_lines(scopes), endpoint}, r);
  return request_out(s, std::move(r));
}

AccessTokenOut parse_gcp_sts(double status, const std::string& body, double now_seconds) {
  cloud::AccessToken t;
  cloud::ProviderError e;
  const Status s = cloud::parse_gcp_sts(response(status, body), seconds(now_seconds), t, e);
  return token_out(s, std::move(t), e);
}

CloudRequestOut gcp_impersonation_request(const std::string& service_account, const std::string& scopes,
                                          double lifetime_seconds, const std::string& endpoint,
                                          const std::string& sts_token) {
  cloud::Request r;
  const cloud::GcpImpersonationParams p{service_account, split_lines(scopes), whole(lifetime_seconds, 0), endpoint};
  const Status s = cloud::gcp_impersonation_request(p, sts_token, r);
  return request_out(s, std::move(r));
}

AccessTokenOut parse_gcp_impersonation(double status, const std::string& body, double now_seconds) {
  cloud::AccessToken t;
  cloud::ProviderError e;
  const Status s = cloud::parse_gcp_impersonation(response(status, body), seconds(now_seconds), t, e);
  return token_out(s, std::move(t), e);
}

CloudRequestOut azure_token_request(const std::string& tenant_id, const std::string& client_id,
                                    const std::string& token, const std::string& scope,
                                    const std::string& authority_host) {
  cloud::Request r;
  const Status s = cloud::azure_token_request({tenant_id, client_id, token, scope, authority_host}, r);
  return request_out(s, std::move(r));
}

AccessTokenOut parse_azure_token(double status, const std::string& body, double now_seconds) {
  cloud::AccessToken t;
  cloud::ProviderError e;
  const Status s = cloud::parse_azure_token(response(status, body), seconds(now_seconds), t, e);
  return token_out(s, std::move(t), e);
}

}  // namespace edgepg::bindings
