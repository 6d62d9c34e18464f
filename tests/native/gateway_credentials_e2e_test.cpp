// edgepg-gateway's upstream credentials (gateway/src/credentials.cpp, config.cpp's roles): roles.<role>.rds_iam is
// parsed and checked (TLS upstream required: RDS takes IAM tokens only over TLS, and the gateway's upstream TLS is
// not in this version, so such a role's login is refused with that reason), and the token it would log in with is
// signed with the default chain's credentials (web identity from AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE against
// the STS stand-in) and is byte-equal to @aws-sdk/rds-signer's for the same credentials and second.
// roles.<role>.cloudsql_iam and azure_entra are parsed too (Azure's keys defaulting from AKS workload identity's
// variables), need a TLS upstream, and get one token provider per role (their logins: gateway-cloud-iam.test.js).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../../gateway/src/config.hpp"
#include "../../gateway/src/credentials.hpp"
#include "edgepg/client.hpp"
#include "net/http_request.hpp"

using namespace edgepg;
using json = nlohmann::json;

namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string config_with(const std::string& sslmode, const std::string& role) {
  return R"({"listen": {"postgres": "127.0.0.1:0"},
    "upstream": {"host": "db.cluster-abc.eu-west-1.rds.amazonaws.com", "port": 5432, "sslmode": ")" +
         sslmode + R"("},
    "identity": {"issuer": "https://issuer.test", "audience": "a", "secret_file": "/dev/null",
                 "allowed_roles": ["app_user"]},
    "roles": {"app_user": )" +
         role + "}}";
}

std::string config_error(const std::string& text) {
  try {
    (void)gateway::parse_config(text);
  } catch (const gateway::ConfigError& e) {
    return e.what();
  }
  return "none";
}

json control(const std::string& path, const json& body) {
  net::HttpOptions o;
  o.max_body = 4 << 20;
  const net::HttpResponse r = net::http_request("POST", env_or_empty("EDGEPG_TEST_CLOUD_CONTROL") + path,
                                                {{"Content-Type", "application/json"}}, body.dump(), o);
  REQUIRE(r.status == 200);
  return json::parse(r.body);
}

}  // namespace

TEST_CASE("gateway: roles.<role>.rds_iam is parsed, needs a TLS upstream, and excludes the password sources") {
  const gateway::Config c = gateway::parse_config(
      config_with("verify-full", R"({"rds_iam": {"region": "eu-west-1", "host": "proxy.example", "port": 6432}})"));
  const auto& rc = c.roles.at("app_user");
  REQUIRE(rc.rds_iam);
  CHECK(rc.rds_iam->region == "eu-west-1");
  CHECK(rc.rds_iam->host == "proxy.example");
  CHECK(rc.rds_iam->port == 6432);
  CHECK(rc.password_file.empty());
  const gateway::Config d = gateway::parse_config(config_with("require", R"({"rds_iam": {"region": "us-east-1"}})"));
  CHECK(d.roles.at("app_user").rds_iam->host.empty());  // upstream.host
  CHECK(!d.roles.at("app_user").rds_iam->port);         // upstream.port

  CHECK(config_error(config_with("disable", R"({"rds_iam": {"region": "eu-west-1"}})"))
            .find("roles.app_user.rds_iam: needs upstream.sslmode require") != std::string::npos);
  CHECK(config_error(config_with("prefer", R"({"rds_iam": {"region": "eu-west-1"}})")).find("only over TLS") !=
        std::string::npos);
  CHECK(config_error(config_with("require", R"({"rds_iam": {}})")).find("roles.app_user.rds_iam.region: is required") !=
        std::string::npos);
  CHECK(config_error(config_with("require", R"({"rds_iam": {"region": "eu-west-1", "role_arn": "x"}})"))
            .find("role_arn") != std::string::npos);
  CHECK(config_error(config_with("require", R"({"rds_iam": {"region": "eu-west-1"}, "password_env": "PW"})"))
            .find("roles.app_user: needs exactly one of password_file, password_env, rds_iam, cloudsql_iam or "
                  "azure_entra") != std::string::npos);
  CHECK(config_error(config_with("require", R"({})")).find("exactly one of") != std::string::npos);

  // A session of such a role is refused with the reason (no password file or variable is read).
  std::string why;
  CHECK(gateway::read_password("", "", why).empty());
  CHECK(why.find("rds_iam") != std::string::npos);
}

TEST_CASE("gateway: roles.<role>.cloudsql_iam and azure_entra are parsed (Azure's from AKS's variables) and need TLS") {
  const gateway::Config g = gateway::parse_config(config_with("verify-full", R"({"cloudsql_iam": {
      "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q",
      "token_file": "/var/run/gcp-token", "service_account": "db@proj.iam.gserviceaccount.com",
      "scopes": ["https://www.googleapis.com/auth/sqlservice.login"],
      "endpoints": {"sts": "http://127.0.0.1:1/google/v1/token", "iam_credentials": "https://iam.example"}}})"));
  const gateway::CloudSqlIamConfig& gcp = *g.roles.at("app_user").cloudsql_iam;
  CHECK(gcp.token_file == "/var/run/gcp-token");
  CHECK(gcp.service_account == "db@proj.iam.gserviceaccount.com");
  CHECK(gcp.scopes == std::vector<std::string>{"https://www.googleapis.com/auth/sqlservice.login"});
  CHECK(gcp.sts_endpoint == "http://127.0.0.1:1/google/v1/token");
  CHECK(gcp.iam_credentials_endpoint == "https://iam.example");
  CHECK(g.roles.at("app_user").sends_token());
  CHECK(gateway::RoleTokens(g).provider("app_user") != nullptr);

  ::setenv("AZURE_TENANT_ID", "contoso.onmicrosoft.com", 1);
  ::setenv("AZURE_CLIENT_ID", "0f6b5e1c", 1);
  ::setenv("AZURE_FEDERATED_TOKEN_FILE", "/var/run/azure-token", 1);
  ::setenv("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us", 1);
  const gateway::Config a = gateway::parse_config(config_with("require", R"({"azure_entra": {"client_id": "mine"}})"));
  const gateway::AzureEntraConfig& entra = *a.roles.at("app_user").azure_entra;
  CHECK(entra.tenant_id == "contoso.onmicrosoft.com");
  CHECK(entra.client_id == "mine");  // a key in the file wins over the variable
  CHECK(entra.token_file == "/var/run/azure-token");
  CHECK(entra.authority_host == "https://login.microsoftonline.us");
  CHECK(entra.scope.empty());
  CHECK(config_error(config_with("prefer", R"({"azure_entra": {}})"))
            .find("roles.app_user.azure_entra: needs upstream.sslmode require") != std::string::npos);
  for (const char* n : {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST"}) {
    ::unsetenv(n);
  }
  CHECK(config_error(config_with("require", R"({"azure_entra": {}})"))
            .find("roles.app_user.azure_entra.tenant_id: is required") != std::string::npos);
  CHECK(config_error(
            config_with("disable", R"({"cloudsql_iam": {"audience": "//iam.googleapis.com/x", "token_file": "/t"}})"))
            .find("roles.app_user.cloudsql_iam: needs upstream.sslmode require") != std::string::npos);
  CHECK(gateway::RoleTokens(gateway::parse_config(config_with("disable", R"({"password_env": "PW"})")))
            .provider("app_user") == nullptr);
}

TEST_CASE("gateway: the rds_iam token comes from the default chain's credentials and equals rds-signer's") {
  const std::string cloud = env_or_empty("EDGEPG_TEST_CLOUD_URL");
  if (cloud.empty()) {
    MESSAGE("EDGEPG_TEST_CLOUD_URL not set: scripts/test-native starts the stand-ins");
    return;
  }
  (void)control("/reset", json::object());
  const json fixed = {{"accessKeyId", "ASIAGATEWAYFIXED0002"},
                      {"secretAccessKey", "gateway/secret+key=abcdefghijklmnopqrstuvwxyz01"},
                      {"sessionToken", "IQoJb3JpZ2luX2VjEgateway/session+token=="}};
  (void)control("/settings", {{"fixedCredentials", fixed}});
  const auto file = std::filesystem::temp_directory_path() / ("edgepg-gw-token-" + std::to_string(::getpid()));
  std::ofstream(file) << "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJnYXRld2F5In0.c2lnbmF0dXJlLWd3LTAxMjM0NTY3ODk\n";
  for (const char* n : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"}) {
    ::unsetenv(n);
  }
  ::setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/edgepg-gateway", 1);
  ::setenv("AWS_WEB_IDENTITY_TOKEN_FILE", file.c_str(), 1);
  ::setenv("AWS_ENDPOINT_URL_STS", (cloud + "/sts/").c_str(), 1);

  const gateway::Config c =
      gateway::parse_config(config_with("verify-full", R"({"rds_iam": {"region": "eu-west-1"}})"));
  const gateway::RolePassword got =
      gateway::role_password("app_user", c.roles.at("app_user"), c.upstream, gateway::RoleTokens(c));
  CHECK_MESSAGE(got.why.empty(), got.why);
  const std::string& token = got.password;
  REQUIRE(!token.empty());
  // The second the gateway signed at, from the token itself (X-Amz-Date=yyyymmddThhmmssZ).
  const auto at = token.find("X-Amz-Date=");
  REQUIRE(at != std::string::npos);
  const std::string date = token.substr(at + 11, 16);
  std::tm tm{};
  REQUIRE(::strptime(date.c_str(), "%Y%m%dT%H%M%SZ", &tm) != nullptr);
  const std::int64_t epoch = ::timegm(&tm);
  const json signer = control("/rds-signer", {{"hostname", "db.cluster-abc.eu-west-1.rds.amazonaws.com"},
                                              {"port", 5432},
                                              {"username", "app_user"},
                                              {"region", "eu-west-1"},
                                              {"epochSeconds", epoch},
                                              {"credentials", fixed}});
  CHECK(token == signer["token"].get<std::string>());

  // A refused exchange: the role's login gets no password and a reason that shows no secret.
  (void)control("/reset", json::object());
  (void)control("/behaviour", {{"sts", {{"status", 403}, {"code", "AccessDenied"}}}});
  AwsChainOptions chain;
  std::string why2;
  const auto refused = gateway::rds_iam_token("app_user", *c.roles.at("app_user").rds_iam, c.upstream,
                                              aws_default_chain(chain), epoch, why2);
  CHECK(refused.empty());
  CHECK(why2.find("AccessDenied") != std::string::npos);
  CHECK(why2.find("eyJhbGciOiJSUzI1NiJ9") == std::string::npos);
  for (const char* n : {"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL_STS"}) ::unsetenv(n);
  std::filesystem::remove(file);
}
