// Google Cloud workload identity federation: the STS token exchange (RFC 8693) and service-account impersonation.
#include <cctype>
#include <cmath>

#include "common.hpp"
#include "edgepg/cloud/gcp.hpp"
#include "jwt/json_bounded.hpp"

namespace edgepg::cloud {
namespace {

using jwt::detail::as_number;
using jwt::detail::as_string;
using jwt::detail::member;

constexpr std::string_view sts_service = "Google STS token exchange";
constexpr std::string_view iam_service = "Google IAM Credentials generateAccessToken";

struct Hint {
  std::string_view code;
  std::string_view hint;
};

constexpr Hint sts_hints[] = {
    {"invalid_grant",
     "Check that the token's issuer, audience (the provider's allowed audiences) and attribute mapping match the "
     "workload identity pool provider, and that the token has not expired"},
    {"invalid_target",
     "Check the audience: //iam.googleapis.com/projects/<number>/locations/global/"
     "workloadIdentityPools/<pool>/providers/<provider>, and that the pool and provider are enabled"},
    {"unauthorized_client", "The provider's attribute condition refused this token: check its claims"},
    {"invalid_scope", "Check the scopes"},
    {"invalid_request", "Check the audience and the token"},
};

bool valid_scopes(const std::vector<std::string>& scopes) {
  for (const std::string& s : scopes) {
    if (s.empty() || !detail::valid_token(s)) return false;
  }
  return true;
}

std::string joined(const std::vector<std::string>& scopes, std::string_view fallback) {
  if (scopes.empty()) return std::string(fallback);
  std::string out;
  for (const std::string& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    out.push_back(ch);  // scopes are visible ASCII (valid_scopes): nothing else needs escaping
  }
  return out + "\"";
}

bool valid_service_account(std::string_view sa) {
  const auto at = sa.find('@');
  if (at == 0 || at == std::string_view::npos || sa.size() > 320) return false;
  for (const char ch : sa) {
    const auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) != 0 || ch == '@' || ch == '.' || ch == '-' || ch == '_')) return false;
  }
  return true;
}

}  // namespace

Status gcp_sts_request(const GcpStsParams& p, Request& out) {
  out = {};
  if (!p.audience.starts_with("//iam.googleapis.com/") || !detail::valid_token(p.audience)) {
    return {ErrorCode::invalid_argument,
            "audience must be the workload identity pool provider's name: //iam.googleapis.com/projects/<number>/"
            "locations/global/workloadIdentityPools/<pool>/providers/<provider>"};
  }
  if (!detail::valid_token(p.token)) {
    return {ErrorCode::invalid_argument,
            "the subject token must be 1 to 20,000 visible ASCII characters (an OIDC token)"};
  }
  if (!valid_scopes(p.scopes))
    return {ErrorCode::invalid_argument, "each scope must be a non-empty URL without spaces"};
  const std::string endpoint = p.endpoint.empty() ? std::string(gcp_sts_default_endpoint) : p.endpoint;
  if (auto s = detail::check_endpoint(endpoint, detail::HttpHosts::loopback, "the Google STS endpoint"); !s) return s;
  out.method = "POST";
  out.url = endpoint;
  out.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  detail::form_add(out.body, "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
  detail::form_add(out.body, "audience", p.audience);
  detail::form_add(out.body, "scope", joined(p.scopes, gcp_sqlservice_login_scope));
  detail::form_add(out.body, "requested_token_type", "urn:ietf:params:oauth:token-type:access_token");
  detail::form_add(out.body, "subject_token", p.token);
  detail::form_add(out.body, "subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
  return Status::success();
}

Status parse_gcp_sts(const Response& response, std::int64_t now, AccessToken& out, ProviderError& error) {
  out = {};
  error = {};
  if (detail::too_large(response)) return detail::malformed(sts_service, "is larger than 64 KiB");
  const auto doc = jwt::detail::parse_json(response.body);
  if (response.status < 200 || response.status > 299) {
    const std::string* code = doc ? as_string(member(*doc, "error")) : nullptr;
    const std::string* description = doc ? as_string(member(*doc, "error_description")) : nullptr;
    std::string_view hint = "Check the audience, the pool provider's issuer and the token";
    for (const Hint& h : sts_hints) {
      if (code && *code == h.code) hint = h.hint;
    }
    return detail::refused(sts_service, response, code ? *code : "", description ? *description : "", hint, false,
                           error);
  }
  if (!doc || !doc->is_object()) return detail::malformed(sts_service, "is not a JSON object");
  const std::string* token = as_string(member(*doc, "access_token"));
  const auto expires_in = as_number(member(*doc, "expires_in"));
  if (!token || token->empty() || !detail::valid_token(*token))
    return detail::malformed(sts_service, "lacks access_token");
  if (!expires_in || !(*expires_in >= 1 && *expires_in <= 7 * 86400)) {
    return detail::malformed(sts_service, "lacks a usable expires_in");
  }
  out.token = *token;
  out.expires_at = now + static_cast<std::int64_t>(std::floor(*expires_in));
  return Status::success();
}

Status gcp_impersonation_request(const GcpImpersonationParams& p, std::string_view sts_token, Request& out) {
  out = {};
  if (!valid_service_account(p.service_account)) {
    return {ErrorCode::invalid_argument,
            "serviceAccount must be a service account's email (name@project.iam."
            "gserviceaccount.com)"};
  }
  if (!valid_scopes(p.scopes))
    return {ErrorCode::invalid_argument, "each scope must be a non-empty URL without spaces"};
  if (p.lifetime_seconds < 1 || p.lifetime_seconds > 43'200) {
    return {ErrorCode::invalid_argument, "the token lifetime must be 1..43200 seconds"};
  }
  if (!detail::valid_token(sts_token)) return {ErrorCode::invalid_argument, "the federated token is not usable"};
  std::string origin = p.endpoint.empty() ? std::string(gcp_iam_credentials_default_endpoint) : p.endpoint;
  while (!origin.empty() && origin.back() == '/') origin.pop_back();
  if (auto s = detail::check_endpoint(origin, detail::HttpHosts::loopback, "the IAM Credentials endpoint"); !s) {
    return s;
  }
  out.method = "POST";
  out.url = origin + "/v1/projects/-/serviceAccounts/" + p.service_account + ":generateAccessToken";
  out.headers = {{"Content-Type", "application/json"},
                 {"Accept", "application/json"},
                 {"Authorization", "Bearer " + std::string(sts_token)}};
  std::string scopes;
  if (p.scopes.empty()) {
    scopes = json_string(gcp_sqlservice_login_scope);
  } else {
    for (const std::string& s : p.scopes) scopes += (scopes.empty() ? "" : ",") + json_string(s);
  }
  out.body = "{\"scope\":[" + scopes + "],\"lifetime\":\"" + std::to_string(p.lifetime_seconds) + "s\"}";
  return Status::success();
}

Status parse_gcp_impersonation(const Response& response, std::int64_t now, AccessToken& out, ProviderError& error) {
  out = {};
  error = {};
  if (detail::too_large(response)) return detail::malformed(iam_service, "is larger than 64 KiB");
  const auto doc = jwt::detail::parse_json(response.body);
  if (response.status < 200 || response.status > 299) {
    // Google's API errors: {"error": {"code": 403, "message": "...", "status": "PERMISSION_DENIED"}}
    const auto* err = doc ? member(*doc, "error") : nullptr;
    const std::string* status = err ? as_string(member(*err, "status")) : nullptr;
    const std::string* message = err ? as_string(member(*err, "message")) : nullptr;
    return detail::refused(iam_service, response, status ? *status : "", message ? *message : "",
                           "Check that the pool's principal (principal:// or principalSet://) has "
                           "roles/iam.workloadIdentityUser (or Service Account Token Creator) on the service account, "
                           "and that the IAM Credentials API is enabled",
                           false, error);
  }
  if (!doc || !doc->is_object()) return detail::malformed(iam_service, "is not a JSON object");
  const std::string* token = as_string(member(*doc, "accessToken"));
  const std::string* expire_time = as_string(member(*doc, "expireTime"));
  if (!token || token->empty() || !detail::valid_token(*token)) {
    return detail::malformed(iam_service, "lacks accessToken");
  }
  std::int64_t expires = 0;
  if (!expire_time || !detail::parse_rfc3339(*expire_time, expires)) {
    return detail::malformed(iam_service, "lacks a readable expireTime");
  }
  if (expires <= now) return detail::malformed(iam_service, "holds a token that has already expired");
  out.token = *token;
  out.expires_at = expires;
  return Status::success();
}

}  // namespace edgepg::cloud
