// AwsCredentialsProvider (a CachedProvider around a source), the sources, the default chain and rds_iam_password.
#include "edgepg/client/aws_credentials.hpp"

#include <utility>

#include "cached_provider.hpp"
#include "cloud_exchange.hpp"
#include "edgepg/error.hpp"
#include "edgepg/sign/rds_token.hpp"

namespace edgepg {
namespace {

using client_detail::env;
using client_detail::read_token;
using client_detail::send;

constexpr std::int64_t long_term_keep_ms = 3600'000;  // credentials with no Expiration: asked again hourly

// The cache holds strings: the four fields, one a line (none of them may hold a line break: the parsers check).
std::string pack(const cloud::AwsCredentials& c) {
  return c.credentials.access_key_id + "\n" + c.credentials.secret_access_key + "\n" + c.credentials.session_token +
         "\n" + std::to_string(c.expiration);
}

cloud::AwsCredentials unpack(const std::string& s) {
  cloud::AwsCredentials c;
  const auto a = s.find('\n');
  const auto b = s.find('\n', a + 1);
  const auto d = s.find('\n', b + 1);
  c.credentials.access_key_id = s.substr(0, a);
  c.credentials.secret_access_key = s.substr(a + 1, b - a - 1);
  c.credentials.session_token = s.substr(b + 1, d - b - 1);
  c.expiration = std::stoll(s.substr(d + 1));
  return c;
}

cloud::AwsCredentials web_identity_fetch(const AwsWebIdentityOptions& o, const CloudOptions& cloud_options,
                                         std::int64_t now) {
  cloud::WebIdentityParams p;
  p.role_arn = o.role_arn;
  p.session_name = o.session_name;
  p.region = o.region;
  p.duration_seconds = o.duration_seconds;
  p.endpoint = o.endpoint;
  p.token = read_token(o.token, "AWS web identity");
  cloud::Request req;
  const Status built = cloud::aws_web_identity_request(p, req);
  std::fill(p.token.begin(), p.token.end(), '\0');
  const auto answer = send(built, req, "AWS STS AssumeRoleWithWebIdentity", cloud_options);
  cloud::AwsCredentials out;
  cloud::ProviderError error;
  client_detail::check(cloud::parse_aws_web_identity(answer.response(), now, out, error));
  return out;
}

cloud::AwsCredentials environment_fetch() {
  cloud::AwsCredentials out;
  out.credentials.access_key_id = env("AWS_ACCESS_KEY_ID");
  out.credentials.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  out.credentials.session_token = env("AWS_SESSION_TOKEN");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty()) {
    throw Error(ErrorCode::credentials_unavailable,
                "AWS environment keys: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set");
  }
  return out;
}

cloud::AwsCredentials container_fetch(const AwsContainerOptions& o, const CloudOptions& cloud_options,
                                      std::int64_t now) {
  std::string url;
  client_detail::check(cloud::aws_container_url(o.full_uri, o.relative_uri, url));
  std::string authorization = o.authorization_token;
  if (!o.authorization_token_file.empty()) {
    auto text = client_detail::read_trimmed_file(o.authorization_token_file);
    if (!text) {
      throw Error(ErrorCode::credentials_unavailable,
                  "the AWS container credentials endpoint: cannot read the authorization token file " +
                      o.authorization_token_file);
    }
    authorization = std::move(*text);
  }
  cloud::Request req;
  const Status built = cloud::aws_container_request(url, authorization, req);
  const auto answer = send(built, req, "the AWS container credentials endpoint", cloud_options);
  cloud::AwsCredentials out;
  cloud::ProviderError error;
  client_detail::check(cloud::parse_aws_credentials_json(answer.response(), now, out, error));
  return out;
}

cloud::AwsCredentials imds_fetch(const std::string& endpoint_option, const CloudOptions& cloud_options,
                                 std::int64_t now) {
  std::string endpoint = endpoint_option;
  if (endpoint.empty()) endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) endpoint = std::string(cloud::imds_default_endpoint);
  constexpr std::string_view service = "the EC2 instance metadata service (IMDSv2)";
  cloud::Request req;
  Status built = cloud::imds_token_request(endpoint, req);
  auto answer = send(built, req, service, cloud_options);
  std::string token;
  client_detail::check(cloud::parse_imds_token(answer.response(), token));
  built = cloud::imds_role_request(endpoint, token, req);
  answer = send(built, req, service, cloud_options);
  std::string role;
  client_detail::check(cloud::parse_imds_role(answer.response(), role));
  built = cloud::imds_credentials_request(endpoint, token, role, req);
  answer = send(built, req, service, cloud_options);
  cloud::AwsCredentials out;
  cloud::ProviderError error;
  client_detail::check(cloud::parse_aws_credentials_json(answer.response(), now, out, error));
  return out;
}

}  // namespace

struct AwsCredentialsProvider::State {
  Fetch fetch;
  client_detail::CachedProvider cached;
  State(std::string name, Fetch f, CloudOptions options)
      : fetch(std::move(f)), cached(std::move(name), std::move(options)) {}
};

AwsCredentialsProvider::AwsCredentialsProvider(std::string name, Fetch fetch, CloudOptions options)
    : state_(std::make_shared<State>(std::move(name), std::move(fetch), std::move(options))) {}

cloud::AwsCredentials AwsCredentialsProvider::credentials() const {
  State& s = *state_;
  return unpack(s.cached.get([&s](std::int64_t now) {
    const cloud::AwsCredentials c = s.fetch(now / 1000);
    return client_detail::CachedProvider::Fetched{pack(c),
                                                  c.expiration == 0 ? now + long_term_keep_ms : c.expiration * 1000};
  }));
}

void AwsCredentialsProvider::invalidate() const { state_->cached.invalidate(); }

const std::string& AwsCredentialsProvider::name() const noexcept { return state_->cached.name(); }

std::int64_t AwsCredentialsProvider::now_ms() const { return state_->cached.now_ms(); }

AwsCredentialsProvider aws_web_identity(AwsWebIdentityOptions options, CloudOptions cloud) {
  const CloudOptions io = cloud;
  return {"AWS web identity (" + options.role_arn + ")",
          [o = std::move(options), io](std::int64_t now) { return web_identity_fetch(o, io, now); }, std::move(cloud)};
}

AwsCredentialsProvider aws_environment_keys(CloudOptions cloud) {
  return {"AWS environment keys", [](std::int64_t) { return environment_fetch(); }, std::move(cloud)};
}

AwsContainerOptions aws_container_options_from_env() {
  return {env("AWS_CONTAINER_CREDENTIALS_FULL_URI"), env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
          env("AWS_CONTAINER_AUTHORIZATION_TOKEN"), env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")};
}

AwsCredentialsProvider aws_container_credentials(AwsContainerOptions options, CloudOptions cloud) {
  const CloudOptions io = cloud;
  return {"the AWS container credentials endpoint",
          [o = std::move(options), io](std::int64_t now) { return container_fetch(o, io, now); }, std::move(cloud)};
}

AwsCredentialsProvider aws_imds_credentials(std::string endpoint, CloudOptions cloud) {
  const CloudOptions io = cloud;
  return {"EC2 IMDSv2", [e = std::move(endpoint), io](std::int64_t now) { return imds_fetch(e, io, now); },
          std::move(cloud)};
}

AwsCredentialsProvider aws_default_chain(AwsChainOptions options, CloudOptions cloud) {
  const CloudOptions io = cloud;
  auto fetch = [o = std::move(options), io](std::int64_t now) {
    if (!env("AWS_ACCESS_KEY_ID").empty() && !env("AWS_SECRET_ACCESS_KEY").empty()) return environment_fetch();
    if (const std::string role = env("AWS_ROLE_ARN"), file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
        !role.empty() && !file.empty()) {
      AwsWebIdentityOptions w;
      w.role_arn = role;
      w.token.file = file;
      w.region = !o.region.empty()                    ? o.region
                 : !env("AWS_REGION").empty()         ? env("AWS_REGION")
                 : !env("AWS_DEFAULT_REGION").empty() ? env("AWS_DEFAULT_REGION")
                                                      : std::string("us-east-1");
      if (const std::string session = env("AWS_ROLE_SESSION_NAME"); !session.empty()) w.session_name = session;
      w.endpoint = !o.sts_endpoint.empty() ? o.sts_endpoint : env("AWS_ENDPOINT_URL_STS");
      return web_identity_fetch(w, io, now);
    }
    if (AwsContainerOptions c = aws_container_options_from_env(); !c.full_uri.empty() || !c.relative_uri.empty()) {
      return container_fetch(c, io, now);
    }
    if (env("AWS_EC2_METADATA_DISABLED") == "true") {
      throw Error(ErrorCode::credentials_unavailable,
                  "no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_ROLE_ARN with "
                  "AWS_WEB_IDENTITY_TOKEN_FILE, or AWS_CONTAINER_CREDENTIALS_FULL_URI/RELATIVE_URI (IMDS is disabled)");
    }
    return imds_fetch(o.imds_endpoint, io, now);
  };
  return {"the AWS default credentials chain", std::move(fetch), std::move(cloud)};
}

std::function<std::string()> rds_iam_password(AwsCredentialsProvider provider, std::string host, std::uint16_t port,
                                              std::string user, std::string region) {
  return [provider = std::move(provider), host = std::move(host), port, user = std::move(user),
          region = std::move(region)] {
    const cloud::AwsCredentials c = provider.credentials();
    std::string token;
    client_detail::check(
        sign::rds_auth_token(host, port, user, region, c.credentials, provider.now_ms() / 1000, token));
    return token;
  };
}

}  // namespace edgepg
