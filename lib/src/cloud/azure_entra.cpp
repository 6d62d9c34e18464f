// Microsoft Entra ID: the client-credentials grant with a federated client assertion (the workload's OIDC token).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "common.hpp"
#include "edgepg/cloud/azure.hpp"
#include "jwt/json_bounded.hpp"

namespace edgepg::cloud {
namespace {

using jwt::detail::as_number;
using jwt::detail::as_string;
using jwt::detail::member;

constexpr std::string_view service = "Microsoft Entra ID token endpoint";

struct Hint {
  std::string_view code;
  std::string_view hint;
};

// The AADSTS codes of federated client assertions (learn.microsoft.com/entra/identity-platform/reference-error-codes).
constexpr Hint hints[] = {
    {"AADSTS70021",
     "No federated identity credential matches the token: check the app's federated credential (issuer, subject, "
     "audience api://AzureADTokenExchange) against the token's iss, sub and aud"},
    {"AADSTS700211",
     "No federated identity credential has the token's issuer: check the federated credential's issuer"},
    {"AADSTS700212",
     "No federated identity credential has the token's audience: it is api://AzureADTokenExchange by default"},
    {"AADSTS700213",
     "No federated identity credential has the token's subject: check the federated credential's subject"},
    {"AADSTS700024", "The client assertion has expired or is not yet valid: take a fresh token from the platform"},
    {"AADSTS700016", "The application (client id) was not found in the tenant: check clientId and tenantId"},
    {"AADSTS90002", "The tenant was not found: check tenantId"},
    {"AADSTS900023", "The tenant id is not valid: check tenantId"},
    {"AADSTS70011",
     "The scope is not valid: for Azure Database for PostgreSQL it is "
     "https://ossrdbms-aad.database.windows.net/.default"},
    {"AADSTS50027", "The client assertion is not a valid JWT"},
};

bool tenant_char(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return std::isalnum(c) != 0 || ch == '-' || ch == '.' || ch == '_';
}

// "AADSTS70021" from error_codes[0], or from the description's leading "AADSTS70021:".
std::string aadsts_code(const jwt::detail::Json* doc, const std::string* description) {
  if (doc) {
    const auto* codes = member(*doc, "error_codes");
    if (codes && codes->is_array() && !codes->empty()) {
      if (const auto n = as_number(&(*codes)[0]); n && *n >= 0 && *n < 1e9) {
        return "AADSTS" + std::to_string(static_cast<std::int64_t>(*n));
      }
    }
  }
  if (description && description->starts_with("AADSTS")) {
    std::size_t i = 6;
    while (i < description->size() && i < 16 && std::isdigit(static_cast<unsigned char>((*description)[i])) != 0) ++i;
    if (i > 6) return description->substr(0, i);
  }
  return {};
}

}  // namespace

Status azure_token_request(const AzureParams& p, Request& out) {
  out = {};
  if (p.tenant_id.empty() || p.tenant_id.size() > 256 ||
      !std::all_of(p.tenant_id.begin(), p.tenant_id.end(), tenant_char)) {
    return {ErrorCode::invalid_argument, "tenantId must be the directory's GUID or domain name"};
  }
  if (p.client_id.empty() || p.client_id.size() > 256 ||
      !std::all_of(p.client_id.begin(), p.client_id.end(), tenant_char)) {
    return {ErrorCode::invalid_argument, "clientId must be the application's (client) id"};
  }
  if (!detail::valid_token(p.token)) {
    return {ErrorCode::invalid_argument,
            "the client assertion must be 1 to 20,000 visible ASCII characters (an OIDC token)"};
  }
  const std::string scope = p.scope.empty() ? std::string(azure_postgres_scope) : p.scope;
  if (!detail::printable(scope) || scope.size() > 2048) return {ErrorCode::invalid_argument, "scope is not usable"};
  std::string authority = p.authority_host.empty() ? std::string(azure_default_authority) : p.authority_host;
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  if (auto s = detail::check_endpoint(authority, detail::HttpHosts::loopback, "the authority host"); !s) return s;
  out.method = "POST";
  out.url = authority + "/" + p.tenant_id + "/oauth2/v2.0/token";
  out.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  detail::form_add(out.body, "client_id", p.client_id);
  detail::form_add(out.body, "scope", scope);
  detail::form_add(out.body, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  detail::form_add(out.body, "client_assertion", p.token);
  detail::form_add(out.body, "grant_type", "client_credentials");
  return Status::success();
}

Status parse_azure_token(const Response& response, std::int64_t now, AccessToken& out, ProviderError& error) {
  out = {};
  error = {};
  if (detail::too_large(response)) return detail::malformed(service, "is larger than 64 KiB");
  const auto doc = jwt::detail::parse_json(response.body);
  const jwt::detail::Json* obj = doc && doc->is_object() ? &*doc : nullptr;
  if (response.status < 200 || response.status > 299) {
    const std::string* code = obj ? as_string(member(*obj, "error")) : nullptr;
    const std::string* description = obj ? as_string(member(*obj, "error_description")) : nullptr;
    const std::string aadsts = aadsts_code(obj, description);
    std::string_view hint = "Check tenantId, clientId, the scope and the app's federated identity credential";
    for (const Hint& h : hints) {
      if (aadsts == h.code) hint = h.hint;
    }
    // The description holds trace and correlation ids after its first sentence: keep the first line only.
    std::string_view said = description ? std::string_view(*description) : std::string_view();
    said = said.substr(0, said.find_first_of("\r\n"));
    const std::string who = aadsts.empty() ? (code ? *code : std::string()) : aadsts;
    return detail::refused(service, response, who, said, hint, false, error);
  }
  if (!obj) return detail::malformed(service, "is not a JSON object");
  const std::string* token = as_string(member(*obj, "access_token"));
  if (!token || token->empty() || !detail::valid_token(*token)) return detail::malformed(service, "lacks access_token");
  // expires_in is a number, or (in older v1 answers) a string of digits.
  std::optional<double> expires_in = as_number(member(*obj, "expires_in"));
  if (const std::string* text = as_string(member(*obj, "expires_in")); text && !expires_in) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec == std::errc() && end == text->data() + text->size()) expires_in = static_cast<double>(n);
  }
  if (!expires_in || !(*expires_in >= 1 && *expires_in <= 7 * 86400)) {
    return detail::malformed(service, "lacks a usable expires_in");
  }
  out.token = *token;
  out.expires_at = now + static_cast<std::int64_t>(std::floor(*expires_in));
  return Status::success();
}

}  // namespace edgepg::cloud
