// AccessTokenProvider (a CachedProvider around a source) and its two sources: Google workload identity federation (with
// optional impersonation) and Entra ID's federated client assertion.
#include "edgepg/client/access_token.hpp"

#include <algorithm>
#include <utility>

#include "cached_provider.hpp"
#include "cloud_exchange.hpp"
#include "edgepg/cloud/azure.hpp"
#include "edgepg/cloud/gcp.hpp"
#include "edgepg/error.hpp"

namespace edgepg {
namespace {

using client_detail::check;
using client_detail::env;
using client_detail::send;

cloud::AccessToken gcp_fetch(const GcpAccessTokenOptions& o, const CloudOptions& io, std::int64_t now) {
  cloud::GcpStsParams p;
  p.audience = o.audience;
  p.endpoint = o.sts_endpoint;
  // With impersonation the federated token only has to call IAM Credentials: cloud-platform.
  p.scopes =
      o.service_account.empty() ? o.scopes : std::vector<std::string>{std::string(cloud::gcp_cloud_platform_scope)};
  p.token = client_detail::read_token(o.token, "Google workload identity federation");
  cloud::Request req;
  const Status built = cloud::gcp_sts_request(p, req);
  std::fill(p.token.begin(), p.token.end(), '\0');
  auto answer = send(built, req, "Google STS token exchange", io);
  cloud::AccessToken sts;
  cloud::ProviderError error;
  check(cloud::parse_gcp_sts(answer.response(), now, sts, error));
  if (o.service_account.empty()) return sts;

  cloud::GcpImpersonationParams ip;
  ip.service_account = o.service_account;
  ip.scopes = o.scopes;
  ip.lifetime_seconds = o.lifetime_seconds;
  ip.endpoint = o.iam_endpoint;
  const Status built2 = cloud::gcp_impersonation_request(ip, sts.token, req);
  answer = send(built2, req, "Google IAM Credentials generateAccessToken", io);
  cloud::AccessToken out;
  check(cloud::parse_gcp_impersonation(answer.response(), now, out, error));
  return out;
}

cloud::AccessToken azure_fetch(const AzureAccessTokenOptions& o, const CloudOptions& io, std::int64_t now) {
  cloud::AzureParams p;
  p.tenant_id = o.tenant_id;
  p.client_id = o.client_id;
  p.scope = o.scope;
  p.authority_host = o.authority_host;
  p.token = client_detail::read_token(o.token, "Microsoft Entra ID");
  cloud::Request req;
  const Status built = cloud::azure_token_request(p, req);
  std::fill(p.token.begin(), p.token.end(), '\0');
  const auto answer = send(built, req, "the Microsoft Entra ID token endpoint", io);
  cloud::AccessToken out;
  cloud::ProviderError error;
  check(cloud::parse_azure_token(answer.response(), now, out, error));
  return out;
}

}  // namespace

struct AccessTokenProvider::State {
  Fetch fetch;
  client_detail::CachedProvider cached;
  State(std::string name, Fetch f, CloudOptions options)
      : fetch(std::move(f)), cached(std::move(name), std::move(options)) {}
};

AccessTokenProvider::AccessTokenProvider(std::string name, Fetch fetch, CloudOptions options)
    : state_(std::make_shared<State>(std::move(name), std::move(fetch), std::move(options))) {}

std::string AccessTokenProvider::token() const {
  State& s = *state_;
  return s.cached.get([&s](std::int64_t now_ms) {
    const cloud::AccessToken t = s.fetch(now_ms / 1000);
    return client_detail::CachedProvider::Fetched{t.token, t.expires_at * 1000};
  });
}

std::function<std::string()> AccessTokenProvider::password() const {
  return [self = *this] { return self.token(); };
}

void AccessTokenProvider::invalidate() const { state_->cached.invalidate(); }

AccessTokenProvider gcp_access_token(GcpAccessTokenOptions options, CloudOptions cloud) {
  const CloudOptions io = cloud;
  return {"Google workload identity federation",
          [o = std::move(options), io](std::int64_t now) { return gcp_fetch(o, io, now); }, std::move(cloud)};
}

AzureAccessTokenOptions azure_options_from_env() {
  AzureAccessTokenOptions o;
  o.tenant_id = env("AZURE_TENANT_ID");
  o.client_id = env("AZURE_CLIENT_ID");
  o.token.file = env("AZURE_FEDERATED_TOKEN_FILE");
  o.authority_host = env("AZURE_AUTHORITY_HOST");
  return o;
}

AccessTokenProvider azure_access_token(AzureAccessTokenOptions options, CloudOptions cloud) {
  const CloudOptions io = cloud;
  return {"Microsoft Entra ID", [o = std::move(options), io](std::int64_t now) { return azure_fetch(o, io, now); },
          std::move(cloud)};
}

}  // namespace edgepg
