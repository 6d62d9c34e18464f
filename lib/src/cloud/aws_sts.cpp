// STS AssumeRoleWithWebIdentity: the request (an unsigned form POST) and the XML answer.
#include <algorithm>
#include <cctype>

#include "common.hpp"
#include "edgepg/cloud/aws.hpp"
#include "xml_text.hpp"

namespace edgepg::cloud {
namespace {

constexpr std::string_view service = "AWS STS AssumeRoleWithWebIdentity";

bool session_name_char(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return std::isalnum(c) != 0 || ch == '_' || ch == '+' || ch == '=' || ch == ',' || ch == '.' || ch == '@' ||
         ch == '-';
}

bool region_char(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

struct Hint {
  std::string_view code;
  std::string_view hint;
  bool throttled;
};

// What to check for each error the API reference documents (and the common ones).
constexpr Hint hints[] = {
    {"InvalidIdentityToken",
     "Check that an IAM OIDC identity provider exists for the token's issuer (iss) and lists its audience (aud) as a "
     "client ID, and that the token is a signed OIDC token of that issuer",
     false},
    {"ExpiredTokenException",
     "The OIDC token has expired: take a fresh one from the platform (each request's token, or the token file again)",
     false},
    {"IDPRejectedClaim",
     "The identity provider refused a claim of the token: check its claims against the provider's configuration",
     false},
    {"IDPCommunicationError",
     "AWS could not fetch the issuer's OIDC discovery document or JWKS: check the issuer URL is public", true},
    {"AccessDenied",
     "Check the role ARN and the role's trust policy: it must allow sts:AssumeRoleWithWebIdentity for this issuer "
     "(Federated principal) with conditions matching the token's aud and sub",
     false},
    {"RegionDisabledException",
     "STS is not activated in this region: activate it in the account's IAM settings or use another region", false},
    {"MalformedPolicyDocument", "The session policy is not valid", false},
    {"PackedPolicyTooLarge", "The session policies or tags are too large", false},
    {"InvalidParameterValue",
     "Check the role ARN, the session name and the duration (900 seconds up to the role's maximum session duration)",
     false},
    {"ValidationError",
     "Check the role ARN, the session name and the duration (900 seconds up to the role's maximum session duration)",
     false},
    {"Throttling", "STS throttled the request", true},
    {"ServiceUnavailable", "STS could not answer", true},
    {"InternalFailure", "STS could not answer", true},
};

constexpr std::string_view default_hint =
    "Check the role ARN, the region, and the role's trust policy (issuer, aud and sub conditions)";

}  // namespace

std::string aws_sts_endpoint(std::string_view region) {
  if (region.empty() || region.size() > 40 || !std::all_of(region.begin(), region.end(), region_char) ||
      region.front() == '-' || region.back() == '-') {
    return {};
  }
  const bool china = region.starts_with("cn-");
  return "https://sts." + std::string(region) + (china ? ".amazonaws.com.cn/" : ".amazonaws.com/");
}

Status aws_web_identity_request(const WebIdentityParams& p, Request& out) {
  out = {};
  if (!p.role_arn.starts_with("arn:") || p.role_arn.size() < 20 || p.role_arn.size() > 2048 ||
      !detail::printable(p.role_arn)) {
    return {ErrorCode::invalid_argument, "roleArn must be a role ARN (arn:aws:iam::<account>:role/<name>)"};
  }
  if (p.session_name.size() < 2 || p.session_name.size() > 64 ||
      !std::all_of(p.session_name.begin(), p.session_name.end(), session_name_char)) {
    return {ErrorCode::invalid_argument, "sessionName must be 2 to 64 characters of A-Z a-z 0-9 _+=,.@-"};
  }
  if (!detail::valid_token(p.token)) {
    return {ErrorCode::invalid_argument,
            "the web identity token must be 1 to 20,000 visible ASCII characters (an OIDC token)"};
  }
  if (p.duration_seconds != 0 && (p.duration_seconds < 900 || p.duration_seconds > 43'200)) {
    return {ErrorCode::invalid_argument, "durationSeconds must be 900..43200 (the role's maximum may be lower)"};
  }
  std::string endpoint = p.endpoint;
  if (endpoint.empty()) {
    endpoint = aws_sts_endpoint(p.region);
    if (endpoint.empty()) return {ErrorCode::invalid_argument, "region must be an AWS region name such as us-east-1"};
  } else if (auto s = detail::check_endpoint(endpoint, detail::HttpHosts::loopback, "the STS endpoint"); !s) {
    return s;
  }
  out.method = "POST";
  out.url = std::move(endpoint);
  out.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}, {"Accept", "application/xml"}};
  detail::form_add(out.body, "Action", "AssumeRoleWithWebIdentity");
  detail::form_add(out.body, "Version", "2011-06-15");
  detail::form_add(out.body, "RoleArn", p.role_arn);
  detail::form_add(out.body, "RoleSessionName", p.session_name);
  detail::form_add(out.body, "WebIdentityToken", p.token);
  if (p.duration_seconds != 0) detail::form_add(out.body, "DurationSeconds", std::to_string(p.duration_seconds));
  return Status::success();
}

Status parse_aws_web_identity(const Response& response, std::int64_t now, AwsCredentials& out, ProviderError& error) {
  out = {};
  error = {};
  if (detail::too_large(response)) return detail::malformed(service, "is larger than 64 KiB");
  if (detail::xml_has_unsupported_markup(response.body)) {
    return detail::malformed(service, "has XML comments, CDATA or a DOCTYPE, which STS never sends");
  }
  if (response.status < 200 || response.status > 299) {
    const auto code = detail::xml_text(response.body, "Code");
    const auto message = detail::xml_text(response.body, "Message");
    std::string_view hint = default_hint;
    bool throttled = false;
    for (const Hint& h : hints) {
      if (code && *code == h.code) {
        hint = h.hint;
        throttled = h.throttled;
      }
    }
    return detail::refused(service, response, code.value_or(""), message.value_or(""), hint, throttled, error);
  }
  if (response.body.find("<AssumeRoleWithWebIdentityResult") == std::string_view::npos) {
    return detail::malformed(service, "is not an AssumeRoleWithWebIdentityResponse");
  }
  auto key = detail::xml_text(response.body, "AccessKeyId");
  auto secret = detail::xml_text(response.body, "SecretAccessKey");
  auto session = detail::xml_text(response.body, "SessionToken");
  const auto expiration = detail::xml_text(response.body, "Expiration");
  if (!key || key->empty() || !secret || secret->empty() || !session || session->empty() || !expiration) {
    return detail::malformed(service, "lacks AccessKeyId, SecretAccessKey, SessionToken or Expiration");
  }
  if (!detail::printable(*key) || !detail::printable(*secret) || !detail::printable(*session)) {
    return detail::malformed(service, "has control characters in its credentials");
  }
  std::int64_t expires = 0;
  if (!detail::parse_rfc3339(*expiration, expires)) return detail::malformed(service, "has an unreadable Expiration");
  if (expires <= now) return detail::malformed(service, "holds credentials that have already expired");
  out.credentials.access_key_id = std::move(*key);
  out.credentials.secret_access_key = std::move(*secret);
  out.credentials.session_token = std::move(*session);
  out.expiration = expires;
  return Status::success();
}

}  // namespace edgepg::cloud
