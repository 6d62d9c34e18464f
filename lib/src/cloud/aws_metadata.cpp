// AWS credentials from the machine the code runs on: the container credentials endpoint (ECS tasks, EKS Pod Identity)
// and EC2's instance metadata service, version 2 (a session token first, then the role's credentials).
#include <algorithm>
#include <cctype>

#include "common.hpp"
#include "edgepg/cloud/aws.hpp"
#include "jwt/json_bounded.hpp"

namespace edgepg::cloud {
namespace {

using jwt::detail::as_string;
using jwt::detail::member;

constexpr std::string_view imds_service = "the EC2 instance metadata service (IMDSv2)";

bool role_char(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return std::isalnum(c) != 0 || ch == '_' || ch == '+' || ch == '=' || ch == ',' || ch == '.' || ch == '@' ||
         ch == '-';
}

std::string trim_slash(std::string_view endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  return std::string(endpoint);
}

Status imds_endpoint(std::string_view endpoint, std::string& base) {
  if (auto s = detail::check_endpoint(endpoint, detail::HttpHosts::metadata, "the instance metadata endpoint"); !s) {
    return s;
  }
  base = trim_slash(endpoint);
  return Status::success();
}

}  // namespace

Status aws_container_url(std::string_view full_uri, std::string_view relative_uri, std::string& url) {
  url.clear();
  if (!full_uri.empty()) {
    if (auto s = detail::check_endpoint(full_uri, detail::HttpHosts::metadata, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
        !s) {
      return s;
    }
    url = std::string(full_uri);
    return Status::success();
  }
  if (!relative_uri.starts_with('/') || !detail::printable(relative_uri) ||
      relative_uri.find(' ') != std::string_view::npos) {
    return {ErrorCode::invalid_argument, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path starting with '/'"};
  }
  url = "http://169.254.170.2" + std::string(relative_uri);
  return Status::success();
}

Status aws_container_request(std::string_view url, std::string_view authorization, Request& out) {
  out = {};
  if (auto s = detail::check_endpoint(url, detail::HttpHosts::metadata, "the container credentials URL"); !s) return s;
  if (!detail::printable(authorization) || authorization.size() > 8192) {
    return {ErrorCode::invalid_argument,
            "the container authorization token has control characters (a newline at the end of its file?)"};
  }
  out.method = "GET";
  out.url = std::string(url);
  out.headers = {{"Accept", "application/json"}};
  if (!authorization.empty()) out.headers.push_back({"Authorization", std::string(authorization)});
  return Status::success();
}

Status parse_aws_credentials_json(const Response& response, std::int64_t now, AwsCredentials& out,
                                  ProviderError& error) {
  out = {};
  error = {};
  constexpr std::string_view service = "the AWS credentials endpoint";
  if (detail::too_large(response)) return detail::malformed(service, "is larger than 64 KiB");
  const auto doc = jwt::detail::parse_json(response.body);
  if (response.status < 200 || response.status > 299) {
    const std::string* code = doc ? as_string(member(*doc, "code")) : nullptr;
    if (!code && doc) code = as_string(member(*doc, "Code"));
    const std::string* message = doc ? as_string(member(*doc, "message")) : nullptr;
    if (!message && doc) message = as_string(member(*doc, "Message"));
    return detail::refused(service, response, code ? *code : "", message ? *message : "",
                           "Check that the task or pod has a role (task role, EKS Pod Identity association, instance "
                           "profile) and that the authorization token is current",
                           false, error);
  }
  if (!doc || !doc->is_object()) return detail::malformed(service, "is not a JSON object");
  if (const std::string* code = as_string(member(*doc, "Code")); code && *code != "Success") {
    return detail::refused(service, Response{403, response.body}, *code, "",
                           "The instance profile's credentials are "
                           "not available: check the instance profile's role",
                           false, error);
  }
  const std::string* key = as_string(member(*doc, "AccessKeyId"));
  const std::string* secret = as_string(member(*doc, "SecretAccessKey"));
  const std::string* token = as_string(member(*doc, "Token"));
  const std::string* expiration = as_string(member(*doc, "Expiration"));
  if (!key || key->empty() || !secret || secret->empty()) {
    return detail::malformed(service, "lacks AccessKeyId or SecretAccessKey");
  }
  if (!detail::printable(*key) || !detail::printable(*secret) || (token && !detail::printable(*token))) {
    return detail::malformed(service, "has control characters in its credentials");
  }
  std::int64_t expires = 0;
  if (expiration) {
    if (!detail::parse_rfc3339(*expiration, expires)) return detail::malformed(service, "has an unreadable Expiration");
    if (expires <= now) return detail::malformed(service, "holds credentials that have already expired");
  }
  out.credentials.access_key_id = *key;
  out.credentials.secret_access_key = *secret;
  out.credentials.session_token = token ? *token : std::string();
  out.expiration = expires;
  return Status::success();
}

Status imds_token_request(std::string_view endpoint, Request& out) {
  out = {};
  std::string base;
  if (auto s = imds_endpoint(endpoint, base); !s) return s;
  out.method = "PUT";
  out.url = base + "/latest/api/token";
  out.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", std::to_string(imds_token_ttl_seconds)}};
  return Status::success();
}

Status parse_imds_token(const Response& response, std::string& token) {
  token.clear();
  ProviderError ignored;
  if (response.status < 200 || response.status > 299) {
    return detail::refused(imds_service, response, "", "",
                           "IMDSv2 must be enabled on the instance, with a hop limit of at least 2 inside containers",
                           false, ignored);
  }
  if (response.body.empty() || response.body.size() > 1024 || !detail::valid_token(response.body)) {
    return detail::malformed(imds_service, "is not a session token");
  }
  token = std::string(response.body);
  return Status::success();
}

Status imds_role_request(std::string_view endpoint, std::string_view token, Request& out) {
  out = {};
  std::string base;
  if (auto s = imds_endpoint(endpoint, base); !s) return s;
  if (!detail::valid_token(token)) return {ErrorCode::invalid_argument, "the IMDSv2 session token is not usable"};
  out.method = "GET";
  out.url = base + "/latest/meta-data/iam/security-credentials/";
  out.headers = {{"X-aws-ec2-metadata-token", std::string(token)}};
  return Status::success();
}

Status parse_imds_role(const Response& response, std::string& role) {
  role.clear();
  ProviderError ignored;
  if (response.status < 200 || response.status > 299) {
    return detail::refused(imds_service, response, "", "",
                           "The instance has no instance profile: attach one with a role", false, ignored);
  }
  if (detail::too_large(response)) return detail::malformed(imds_service, "is larger than 64 KiB");
  std::string_view first = response.body.substr(0, response.body.find('\n'));
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (first.empty() || first.size() > 128 || !std::all_of(first.begin(), first.end(), role_char)) {
    return detail::malformed(imds_service, "does not name a role");
  }
  role = std::string(first);
  return Status::success();
}

Status imds_credentials_request(std::string_view endpoint, std::string_view token, std::string_view role,
                                Request& out) {
  if (auto s = imds_role_request(endpoint, token, out); !s) return s;
  if (role.empty() || role.size() > 128 || !std::all_of(role.begin(), role.end(), role_char)) {
    out = {};
    return {ErrorCode::invalid_argument, "the instance profile's role name is not usable"};
  }
  out.url += std::string(role);
  return Status::success();
}

}  // namespace edgepg::cloud
