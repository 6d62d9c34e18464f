#include "config.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cloud/common.hpp"

namespace edgepg::gateway {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw ConfigError("configuration: " + path + ": " + what);
}

// Every key of `obj` must be one of `known`: a misspelt key is an error, not a silent default.
void only_keys(const json& obj, const std::string& path, std::initializer_list<const char*> known) {
  if (!obj.is_object()) fail(path, "must be an object");
  const std::set<std::string> names(known.begin(), known.end());
  for (const auto& [key, value] : obj.items()) {
    if (!names.contains(key)) fail(path + "." + key, "unknown key");
  }
}

const json* member(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::string text(const json& obj, const std::string& path, const char* key, std::string fallback = {}) {
  const json* v = member(obj, key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) fail(path + "." + key, "must be a string");
  return v->get<std::string>();
}

std::vector<std::string> texts(const json& obj, const std::string& path, const char* key) {
  const json* v = member(obj, key);
  if (v == nullptr) return {};
  if (v->is_string()) return {v->get<std::string>()};
  if (!v->is_array()) fail(path + "." + key, "must be a string or an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *v) {
    if (!item.is_string()) fail(path + "." + key, "must hold only strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

template <typename Int>
Int number(const json& obj, const std::string& path, const char* key, Int fallback, long long min, long long max) {
  const json* v = member(obj, key);
  if (v == nullptr) return fallback;
  if (!v->is_number_integer()) fail(path + "." + key, "must be a whole number");
  const long long n = v->get<long long>();
  if (n < min || n > max) fail(path + "." + key, "must be from " + std::to_string(min) + " to " + std::to_string(max));
  return static_cast<Int>(n);
}

bool flag(const json& obj, const std::string& path, const char* key, bool fallback) {
  const json* v = member(obj, key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) fail(path + "." + key, "must be true or false");
  return v->get<bool>();
}

Endpoint endpoint(const std::string& value, const std::string& path) {
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) fail(path, "must be host:port, e.g. \"127.0.0.1:6432\"");
  std::string host = value.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const auto digits = std::string_view(value).substr(colon + 1);
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || p != digits.data() + digits.size() || port > 65535) fail(path, "has an invalid port");
  return {host, static_cast<std::uint16_t>(port)};
}

std::optional<Endpoint> optional_endpoint(const json& obj, const std::string& path, const char* key) {
  const std::string v = text(obj, path, key);
  if (v.empty()) return std::nullopt;
  return endpoint(v, path + "." + key);
}

// listen.oauthbearer: true (the defaults), false (off) or { "scope": ..., "openid_configuration": ... }. Only the
// postgres listener speaks SASL: it must be there.
std::optional<OAuthBearerConfig> oauthbearer(const json& v, const ListenConfig& listen) {
  const std::string path = "listen.oauthbearer";
  OAuthBearerConfig o;
  if (v.is_boolean()) {
    if (!v.get<bool>()) return std::nullopt;
  } else {
    if (!v.is_object()) fail(path, "must be true, false or an object { \"scope\", \"openid_configuration\" }");
    only_keys(v, path, {"scope", "openid_configuration"});
    o.scope = text(v, path, "scope", o.scope);
    o.openid_configuration = text(v, path, "openid_configuration");
  }
  if (!listen.postgres) fail(path, "needs listen.postgres: OAUTHBEARER is a PostgreSQL login (SASL)");
  return o;
}

// The servers take token logins only over TLS, and a token is a password for minutes to an hour: it never crosses
// the network in the clear, so the upstream's sslmode must be require or stricter.
void require_tls_upstream(const std::string& path, const UpstreamConfig& upstream, const std::string& why) {
  static const std::set<std::string> tls_modes = {"require", "verify-ca", "verify-full"};
  if (!tls_modes.contains(upstream.sslmode)) {
    fail(path, "needs upstream.sslmode require, verify-ca or verify-full: " + why +
                   " must not cross the network in the clear");
  }
}

// roles.<role>.rds_iam. RDS takes an IAM token only over TLS, and the token is a password for 15 minutes: it never
// crosses the network in the clear, so the upstream's sslmode must be require or stricter.
RdsIamConfig rds_iam(const json& obj, const std::string& path, const UpstreamConfig& upstream) {
  if (!obj.is_object()) fail(path, "must be an object: { \"region\": \"eu-west-1\" }");
  only_keys(obj, path, {"region", "host", "port"});
  RdsIamConfig r;
  r.region = text(obj, path, "region");
  const bool region_ok = !r.region.empty() && r.region.size() <= 32 &&
                         r.region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
  if (!region_ok) fail(path + ".region", "is required: the database's AWS region, e.g. \"eu-west-1\"");
  r.host = text(obj, path, "host");
  if (r.host.find_first_of("/?#@ \t\r\n") != std::string::npos) fail(path + ".host", "must be a host name");
  if (member(obj, "port") != nullptr) r.port = number<std::uint16_t>(obj, path, "port", 5432, 1, 65535);
  require_tls_upstream(path, upstream, "RDS takes IAM tokens only over TLS, and a token");
  return r;
}

// A token source's file: required, a path (read at each refresh, so it need not exist yet).
std::string token_file(const json& obj, const std::string& path, const std::string& fallback, const char* hint) {
  std::string file = text(obj, path, "token_file", fallback);
  if (file.empty()) fail(path + ".token_file", std::string("is required: ") + hint);
  return file;
}

// An overridable service endpoint: https://, or http:// to loopback (test stand-ins), as the core will require.
std::string service_url(const json& obj, const std::string& path, const char* key, std::string fallback = {}) {
  std::string url = text(obj, path, key, std::move(fallback));
  if (url.empty()) return url;
  const std::string where = path + "." + key;
  if (const Status s = cloud::detail::check_endpoint(url, cloud::detail::HttpHosts::loopback, where); !s) {
    throw ConfigError("configuration: " + s.message());
  }
  return url;
}

// roles.<role>.cloudsql_iam: Google workload identity federation (the core's gcp exchanges).
CloudSqlIamConfig cloudsql_iam(const json& obj, const std::string& path, const UpstreamConfig& upstream) {
  if (!obj.is_object())
    fail(path, "must be an object: { \"audience\": \"//iam.googleapis.com/...\", \"token_file\": ... }");
  only_keys(obj, path, {"audience", "token_file", "service_account", "scopes", "endpoints"});
  CloudSqlIamConfig g;
  g.audience = text(obj, path, "audience");
  if (!g.audience.starts_with("//iam.googleapis.com/")) {
    fail(path + ".audience",
         "is required: the workload identity pool provider, //iam.googleapis.com/projects/<number>/locations/global/"
         "workloadIdentityPools/<pool>/providers/<provider>");
  }
  g.token_file = token_file(obj, path, {}, "the workload's OIDC token file (e.g. a projected service-account token)");
  g.service_account = text(obj, path, "service_account");
  if (!g.service_account.empty() && (g.service_account.find('@') == std::string::npos ||
                                     g.service_account.find_first_of("/?#:% \t\r\n") != std::string::npos)) {
    fail(path + ".service_account", "must be a service account's email, e.g. db@project.iam.gserviceaccount.com");
  }
  g.scopes = texts(obj, path, "scopes");
  for (const auto& scope : g.scopes) {
    if (scope.empty() || scope.find_first_of(" \t\r\n") != std::string::npos) {
      fail(path + ".scopes", "must hold scope URLs, e.g. https://www.googleapis.com/auth/sqlservice.login");
    }
  }
  if (const json* e = member(obj, "endpoints")) {
    const std::string epath = path + ".endpoints";
    only_keys(*e, epath, {"sts", "iam_credentials"});
    g.sts_endpoint = service_url(*e, epath, "sts");
    g.iam_credentials_endpoint = service_url(*e, epath, "iam_credentials");
  }
  require_tls_upstream(path, upstream, "Cloud SQL's access token is a password, and it");
  return g;
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// roles.<role>.azure_entra: Entra ID's federated client assertion (the core's azure exchange); absent keys from AKS
// workload identity's variables.
AzureEntraConfig azure_entra(const json& obj, const std::string& path, const UpstreamConfig& upstream) {
  if (!obj.is_object()) fail(path, "must be an object (may be empty: {} takes AKS workload identity's variables)");
  only_keys(obj, path, {"tenant_id", "client_id", "token_file", "authority_host", "scope"});
  AzureEntraConfig a;
  a.tenant_id = text(obj, path, "tenant_id", env_or_empty("AZURE_TENANT_ID"));
  if (a.tenant_id.empty() || a.tenant_id.find_first_of("/?#%@ \t\r\n") != std::string::npos) {
    fail(path + ".tenant_id", "is required (or AZURE_TENANT_ID): the directory's id or domain");
  }
  a.client_id = text(obj, path, "client_id", env_or_empty("AZURE_CLIENT_ID"));
  if (a.client_id.empty() || a.client_id.find_first_of("&=?#% \t\r\n") != std::string::npos) {
    fail(path + ".client_id", "is required (or AZURE_CLIENT_ID): the managed identity's or app's client id");
  }
  a.token_file = token_file(obj, path, env_or_empty("AZURE_FEDERATED_TOKEN_FILE"),
                            "the workload's OIDC token file (or AZURE_FEDERATED_TOKEN_FILE)");
  a.authority_host = service_url(obj, path, "authority_host", env_or_empty("AZURE_AUTHORITY_HOST"));
  a.scope = text(obj, path, "scope");
  if (a.scope.find_first_of(" \t\r\n") != std::string::npos) fail(path + ".scope", "must be one scope");
  require_tls_upstream(path, upstream, "Entra's access token is a password, and it");
  return a;
}

}  // namespace

Config parse_config(const std::string& json_text) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number too large for a double (found by fuzzing: it escaped as an
    // exception of nlohmann's own type rather than a ConfigError).
    throw ConfigError(std::string("configuration: not valid JSON: ") + e.what());
  }
  only_keys(root, "$", {"listen", "upstream", "identity", "roles", "claims", "audit", "limits", "pool"});
  Config c;

  if (const json* l = member(root, "listen")) {
    only_keys(*l, "listen", {"websocket", "postgres", "http", "tls", "oauthbearer"});
    c.listen.websocket = optional_endpoint(*l, "listen", "websocket");
    c.listen.postgres = optional_endpoint(*l, "listen", "postgres");
    c.listen.http = optional_endpoint(*l, "listen", "http");
    if (const json* t = member(*l, "tls")) {
      only_keys(*t, "listen.tls", {"cert_file", "key_file"});
      c.listen.tls = TlsFiles{text(*t, "listen.tls", "cert_file"), text(*t, "listen.tls", "key_file")};
      if (c.listen.tls->cert_file.empty() || c.listen.tls->key_file.empty()) {
        fail("listen.tls", "needs cert_file and key_file");
      }
    }
  }
  if (!c.listen.websocket && !c.listen.postgres) fail("listen", "needs websocket or postgres (or both)");
  if (const json* l = member(root, "listen")) {
    if (const json* o = member(*l, "oauthbearer")) c.listen.oauthbearer = oauthbearer(*o, c.listen);
  }

  if (const json* u = member(root, "upstream")) {
    only_keys(*u, "upstream", {"host", "port", "sslmode", "sslrootcert", "databases", "allow_addresses"});
    c.upstream.host = text(*u, "upstream", "host", c.upstream.host);
    c.upstream.port = number<std::uint16_t>(*u, "upstream", "port", c.upstream.port, 1, 65535);
    c.upstream.sslmode = text(*u, "upstream", "sslmode", c.upstream.sslmode);
    c.upstream.sslrootcert = text(*u, "upstream", "sslrootcert");
    c.upstream.databases = texts(*u, "upstream", "databases");
    c.upstream.allow_addresses = texts(*u, "upstream", "allow_addresses");
    static const std::set<std::string> modes = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
    if (!modes.contains(c.upstream.sslmode)) fail("upstream.sslmode", "must be one of libpq's sslmodes");
  }
  if (c.upstream.allow_addresses.empty()) {
    c.upstream.allow_addresses.push_back(c.upstream.host + ":" + std::to_string(c.upstream.port));
  }

  const json* id = member(root, "identity");
  if (id == nullptr) fail("identity", "is required: the tokens' issuer, keys and roles");
  only_keys(*id, "identity",
            {"issuer", "audience", "algorithms", "jwks_url", "jwks_file", "secret_file", "role_claim", "allowed_roles",
             "anonymous_role", "clock_tolerance_s", "token_cache_entries"});
  auto& ic = c.identity;
  ic.issuer = text(*id, "identity", "issuer");
  ic.audience = text(*id, "identity", "audience");
  ic.algorithms = texts(*id, "identity", "algorithms");
  ic.jwks_url = text(*id, "identity", "jwks_url");
  ic.jwks_file = text(*id, "identity", "jwks_file");
  ic.secret_file = text(*id, "identity", "secret_file");
  ic.role_claim = text(*id, "identity", "role_claim", ic.role_claim);
  ic.allowed_roles = texts(*id, "identity", "allowed_roles");
  ic.anonymous_role = text(*id, "identity", "anonymous_role");
  ic.clock_tolerance_s = number<int>(*id, "identity", "clock_tolerance_s", 30, 0, 3600);
  ic.token_cache_entries = number<int>(*id, "identity", "token_cache_entries", 1024, 0, 1'000'000);
  const int sources = !ic.jwks_url.empty() + !ic.jwks_file.empty() + !ic.secret_file.empty();
  if (sources != 1) fail("identity", "needs exactly one of jwks_url, jwks_file or secret_file");
  if (ic.secret_file.empty() && ic.algorithms.empty()) fail("identity.algorithms", "is required with public keys");
  if (ic.allowed_roles.empty()) fail("identity.allowed_roles", "must list the roles tokens may map to");
  if (c.listen.oauthbearer && c.listen.oauthbearer->openid_configuration.empty() && !ic.issuer.empty()) {
    // OpenID Connect Discovery 1.0 §4: the issuer (without a trailing '/') + "/.well-known/openid-configuration".
    std::string issuer = ic.issuer;
    if (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
    c.listen.oauthbearer->openid_configuration = issuer + "/.well-known/openid-configuration";
  }

  if (const json* roles = member(root, "roles")) {
    if (!roles->is_object()) fail("roles", "must be an object of role names");
    for (const auto& [name, r] : roles->items()) {
      const std::string path = "roles." + name;
      only_keys(r, path, {"password_file", "password_env", "rds_iam", "cloudsql_iam", "azure_entra"});
      RoleCredentials rc;
      rc.password_file = text(r, path, "password_file");
      rc.password_env = text(r, path, "password_env");
      const int ways = !rc.password_file.empty() + !rc.password_env.empty() + (member(r, "rds_iam") != nullptr) +
                       (member(r, "cloudsql_iam") != nullptr) + (member(r, "azure_entra") != nullptr);
      if (ways != 1) {
        fail(path, "needs exactly one of password_file, password_env, rds_iam, cloudsql_iam or azure_entra");
      }
      if (const json* iam = member(r, "rds_iam")) rc.rds_iam = rds_iam(*iam, path + ".rds_iam", c.upstream);
      if (const json* g = member(r, "cloudsql_iam")) {
        rc.cloudsql_iam = cloudsql_iam(*g, path + ".cloudsql_iam", c.upstream);
      }
      if (const json* a = member(r, "azure_entra")) rc.azure_entra = azure_entra(*a, path + ".azure_entra", c.upstream);
      c.roles[name] = rc;
    }
  }
  for (const auto& role : ic.allowed_roles) {
    if (!c.roles.contains(role)) fail("roles." + role, "is missing: how does the gateway log in as this allowed role?");
  }
  if (!ic.anonymous_role.empty() && !c.roles.contains(ic.anonymous_role)) {
    fail("roles." + ic.anonymous_role, "is missing: how does the gateway log in as the anonymous role?");
  }

  if (const json* cl = member(root, "claims")) {
    only_keys(*cl, "claims", {"setting", "sessions"});
    c.claims.setting = text(*cl, "claims", "setting", c.claims.setting);
    if (const json* s = member(*cl, "sessions")) {
      only_keys(*s, "claims.sessions", {"user", "password_file", "password_env"});
      SessionsConfig sc;
      sc.user = text(*s, "claims.sessions", "user", sc.user);
      sc.password_file = text(*s, "claims.sessions", "password_file");
      sc.password_env = text(*s, "claims.sessions", "password_env");
      c.claims.sessions = sc;
    }
  }
  if (const json* a = member(root, "audit")) {
    only_keys(*a, "audit", {"file", "statements"});
    c.audit.file = text(*a, "audit", "file", c.audit.file);
    c.audit.statements = flag(*a, "audit", "statements", false);
  }
  if (const json* l = member(root, "limits")) {
    only_keys(*l, "limits",
              {"max_clients", "auth_timeout_ms", "idle_timeout_ms", "drain_timeout_ms", "max_message_bytes"});
    auto& lc = c.limits;
    lc.max_clients = number<std::size_t>(*l, "limits", "max_clients", lc.max_clients, 1, 1'000'000);
    lc.auth_timeout_ms = number<int>(*l, "limits", "auth_timeout_ms", lc.auth_timeout_ms, 1, 3'600'000);
    lc.idle_timeout_ms = number<int>(*l, "limits", "idle_timeout_ms", lc.idle_timeout_ms, 0, 86'400'000);
    lc.drain_timeout_ms = number<int>(*l, "limits", "drain_timeout_ms", lc.drain_timeout_ms, 0, 3'600'000);
    lc.max_message_bytes =
        number<std::size_t>(*l, "limits", "max_message_bytes", lc.max_message_bytes, 1024, 1LL << 30);
  }
  if (const json* p = member(root, "pool")) {
    only_keys(*p, "pool", {"min_idle", "max", "idle_timeout_ms", "max_lifetime_ms"});
    PoolConfig pc;
    pc.max = number<std::size_t>(*p, "pool", "max", pc.max, 1, 100'000);
    pc.min_idle = number<std::size_t>(*p, "pool", "min_idle", pc.min_idle, 0, pc.max);
    pc.idle_timeout_ms = number<int>(*p, "pool", "idle_timeout_ms", pc.idle_timeout_ms, 0, 86'400'000);
    pc.max_lifetime_ms = number<int>(*p, "pool", "max_lifetime_ms", pc.max_lifetime_ms, 0, 86'400'000);
    c.pool = pc;
  }
  return c;
}

Config load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("configuration: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str());
}

}  // namespace edgepg::gateway
