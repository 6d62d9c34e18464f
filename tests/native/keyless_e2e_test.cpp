// The native keyless providers against the cloud services' stand-ins (tests/support/cloud-servers.js, started by
// tests/native/cloud-standins.mjs from scripts/test-native; EDGEPG_TEST_CLOUD_URL and EDGEPG_TEST_CLOUD_CONTROL):
// each request as documented, the credentials the services issued, a token file rotated between refreshes, the
// default chain's order, each documented refusal as a clear ECREDENTIALS, a silent service as ETIMEDOUT, and
// rds_iam_password byte-equal to @aws-sdk/rds-signer for the same credentials and time, and both password functions
// as a Connection's password_provider, their token taken by PostgreSQL as a cleartext password (the way RDS and
// Azure Database for PostgreSQL take them). No error shows a secret.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "edgepg/client.hpp"
#include "net/http_request.hpp"
#include "services.hpp"

using namespace edgepg;
using json = nlohmann::json;

namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

const std::string cloud_url = env_or_empty("EDGEPG_TEST_CLOUD_URL");
const std::string control_url = env_or_empty("EDGEPG_TEST_CLOUD_CONTROL");

// JWT-shaped workload tokens (the stand-ins accept any JWT-shaped token unless told otherwise).
const std::string oidc_a = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZC1hIn0.c2lnbmF0dXJlLWEtMDEyMzQ1Njc4OQ";
const std::string oidc_b = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZC1iIn0.c2lnbmF0dXJlLWItOTg3NjU0MzIxMA";
const std::string role_arn = "arn:aws:iam::123456789012:role/edgepg-app";

json control(const std::string& path, const json& body = json::object()) {
  net::HttpOptions o;
  o.max_body = 4 << 20;
  const net::HttpResponse r =
      net::http_request("POST", control_url + path, {{"Content-Type", "application/json"}}, body.dump(), o);
  REQUIRE(r.status == 200);
  return json::parse(r.body);
}

void reset() { (void)control("/reset"); }

std::vector<json> requests_of(const std::string& service) {
  std::vector<json> out;
  for (const json& r : control("/requests")) {
    if (r["service"] == service) out.push_back(r);
  }
  return out;
}

bool has_cloud() {
  if (cloud_url.empty() || control_url.empty()) {
    MESSAGE("EDGEPG_TEST_CLOUD_URL/EDGEPG_TEST_CLOUD_CONTROL not set: scripts/test-native starts the stand-ins");
    return false;
  }
  reset();
  return true;
}

// A clock the test moves (ms since the epoch), starting at the real time.
struct TestClock {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::function<std::int64_t()> fn() const {
    return [m = ms] { return m->load(); };
  }
};

CloudOptions fast(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  CloudOptions o;
  o.timeout = timeout;
  return o;
}

// The error's code; and the proof that its text holds no workload token nor anything the services issued.
std::string failure(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    const std::string shown = std::string(e.what());
    std::vector<std::string> secrets = {oidc_a, oidc_b, "container-auth-token"};
    for (const std::string& part : {oidc_a.substr(0, oidc_a.find('.')), oidc_a.substr(oidc_a.rfind('.') + 1)}) {
      secrets.push_back(part);
    }
    for (const json& i : control("/issued")) {
      for (const char* k : {"secretAccessKey", "sessionToken", "token"}) {
        if (i.contains(k) && i[k].is_string()) secrets.push_back(i[k]);
      }
    }
    for (const std::string& s : secrets) {
      if (s.size() > 8) CHECK_MESSAGE(shown.find(s) == std::string::npos, "the error shows a secret: " << shown);
    }
    MESSAGE(shown);
    return e.code();
  }
  return "none";
}

std::string temp_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("edgepg-keyless-" + std::to_string(::getpid()) + name);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path.string();
}

// setenv for one test case; the previous value (or its absence) comes back at the end.
struct ScopedEnv {
  std::vector<std::pair<std::string, std::optional<std::string>>> saved;
  void set(const std::string& name, const std::optional<std::string>& value) {
    const char* old = std::getenv(name.c_str());
    saved.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  // Every variable the default chain looks at, unset.
  ScopedEnv() {
    for (const char* n : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
                          "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_DISABLED",
                          "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_REGION", "AWS_DEFAULT_REGION"}) {
      set(n, std::nullopt);
    }
  }
  ~ScopedEnv() {
    for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
      if (it->second) {
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        ::unsetenv(it->first.c_str());
      }
    }
  }
};

void check_issued(const cloud::AwsCredentials& c, const json& issued) {
  CHECK(c.credentials.access_key_id == issued["accessKeyId"].get<std::string>());
  CHECK(c.credentials.secret_access_key == issued["secretAccessKey"].get<std::string>());
  CHECK(c.credentials.session_token == issued["sessionToken"].get<std::string>());
  CHECK(c.expiration == issued["expiration"].get<std::int64_t>() / 1000);
}

}  // namespace

TEST_CASE("keyless: web identity from a token file rotated between refreshes sends the new token; cached between") {
  if (!has_cloud()) return;
  (void)control("/settings", {{"credentialLifetime", 900}});
  const std::string file = temp_file("-wi-token", oidc_a + "\n");
  TestClock clock;
  CloudOptions io = fast();
  io.clock = clock.fn();
  AwsWebIdentityOptions o;
  o.role_arn = role_arn;
  o.region = "eu-west-1";
  o.token.file = file;
  o.session_name = "native-e2e";
  o.duration_seconds = 900;
  o.endpoint = cloud_url + "/sts/";
  const AwsCredentialsProvider aws = aws_web_identity(o, io);

  const cloud::AwsCredentials first = aws.credentials();
  (void)aws.credentials();  // cached: no second exchange
  auto sts = requests_of("sts");
  REQUIRE(sts.size() == 1);
  const json& r = sts[0];
  CHECK(r["method"] == "POST");
  CHECK(r["path"] == "/sts/");
  CHECK(r["headers"]["content-type"].get<std::string>().starts_with("application/x-www-form-urlencoded"));
  CHECK(r["form"]["Action"] == "AssumeRoleWithWebIdentity");
  CHECK(r["form"]["Version"] == "2011-06-15");
  CHECK(r["form"]["RoleArn"] == role_arn);
  CHECK(r["form"]["RoleSessionName"] == "native-e2e");
  CHECK(r["form"]["DurationSeconds"] == "900");
  CHECK(r["form"]["WebIdentityToken"] == oidc_a);  // the file's newline is not part of the token
  check_issued(first, control("/issued")[0]);

  // Kubernetes rotates the projected token; 11 minutes later the credentials are inside the refresh window.
  std::ofstream(file, std::ios::trunc) << oidc_b;
  clock.ms->fetch_add(11 * 60'000);
  const cloud::AwsCredentials second = aws.credentials();
  sts = requests_of("sts");
  REQUIRE(sts.size() == 2);
  CHECK(sts[1]["form"]["WebIdentityToken"] == oidc_b);
  CHECK(second.credentials.access_key_id != first.credentials.access_key_id);
  check_issued(second, control("/issued")[1]);
  std::filesystem::remove(file);
}

TEST_CASE("keyless: the default chain in the SDKs' order: environment keys, web identity, container, IMDSv2") {
  if (!has_cloud()) return;
  AwsChainOptions chain;
  chain.sts_endpoint = cloud_url + "/sts/";
  chain.imds_endpoint = cloud_url + "/imds";
  const std::string token_file = temp_file("-chain-token", oidc_a);
  {
    ScopedEnv env;
    env.set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    env.set("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    env.set("AWS_SESSION_TOKEN", "session-token-from-env");
    env.set("AWS_ROLE_ARN", role_arn);  // configured too, but the keys come first
    env.set("AWS_WEB_IDENTITY_TOKEN_FILE", token_file);
    const cloud::AwsCredentials c = aws_default_chain(chain, fast()).credentials();
    CHECK(c.credentials.access_key_id == "AKIAIOSFODNN7EXAMPLE");
    CHECK(c.credentials.secret_access_key == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    CHECK(c.credentials.session_token == "session-token-from-env");
    CHECK(c.expiration == 0);
    CHECK(control("/requests").empty());
    // The environment-keys provider on its own reads the same variables.
    CHECK(aws_environment_keys().credentials().credentials.access_key_id == "AKIAIOSFODNN7EXAMPLE");
  }
  {
    ScopedEnv env;
    env.set("AWS_ROLE_ARN", role_arn);
    env.set("AWS_WEB_IDENTITY_TOKEN_FILE", token_file);
    env.set("AWS_ROLE_SESSION_NAME", "from-env");
    env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", cloud_url + "/ecs/creds");  // after web identity
    const cloud::AwsCredentials c = aws_default_chain(chain, fast()).credentials();
    const auto sts = requests_of("sts");
    REQUIRE(sts.size() == 1);
    CHECK(sts[0]["form"]["RoleSessionName"] == "from-env");
    CHECK(sts[0]["form"]["WebIdentityToken"] == oidc_a);
    CHECK(requests_of("ecs").empty());
    check_issued(c, control("/issued")[0]);
  }
  reset();
  {
    ScopedEnv env;
    env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", cloud_url + "/ecs/v2/credentials");
    env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer container-auth-token");
    const cloud::AwsCredentials c = aws_default_chain(chain, fast()).credentials();
    const auto ecs = requests_of("ecs");
    REQUIRE(ecs.size() == 1);
    CHECK(ecs[0]["method"] == "GET");
    CHECK(ecs[0]["path"] == "/ecs/v2/credentials");
    CHECK(ecs[0]["headers"]["authorization"] == "Bearer container-auth-token");
    CHECK(requests_of("imds").empty());
    check_issued(c, control("/issued")[0]);
  }
  reset();
  {
    ScopedEnv env;  // nothing configured: IMDSv2, on the overridden endpoint
    const cloud::AwsCredentials c = aws_default_chain(chain, fast()).credentials();
    const auto imds = requests_of("imds");
    REQUIRE(imds.size() == 3);
    CHECK(imds[0]["method"] == "PUT");  // the session token first
    CHECK(imds[0]["path"] == "/imds/latest/api/token");
    CHECK(imds[0]["headers"]["x-aws-ec2-metadata-token-ttl-seconds"] == "21600");
    const std::string session = imds[1]["headers"]["x-aws-ec2-metadata-token"];
    CHECK(imds[1]["method"] == "GET");
    CHECK(imds[1]["path"] == "/imds/latest/meta-data/iam/security-credentials/");
    CHECK(imds[2]["path"] == "/imds/latest/meta-data/iam/security-credentials/edgepg-instance-role");
    CHECK(imds[2]["headers"]["x-aws-ec2-metadata-token"] == session);
    CHECK(!session.empty());
    check_issued(c, control("/issued")[0]);
    env.set("AWS_EC2_METADATA_DISABLED", "true");
    CHECK(failure([&] { (void)aws_default_chain(chain, fast()).credentials(); }) == "ECREDENTIALS");
  }
  std::filesystem::remove(token_file);
}

TEST_CASE("keyless: the container endpoint with the authorization token from its file (re-read), and refused") {
  if (!has_cloud()) return;
  const std::string file = temp_file("-ecs-auth", "Bearer container-auth-token\n");
  AwsContainerOptions o;
  o.full_uri = cloud_url + "/ecs/creds";
  o.authorization_token = "Bearer stale";  // the file wins
  o.authorization_token_file = file;
  const cloud::AwsCredentials c = aws_container_credentials(o, fast()).credentials();
  CHECK(requests_of("ecs").at(0)["headers"]["authorization"] == "Bearer container-auth-token");
  check_issued(c, control("/issued")[0]);

  o.authorization_token_file.clear();  // the stale token: 401 AccessDeniedException
  CHECK(failure([&] { (void)aws_container_credentials(o, fast()).credentials(); }) == "ECREDENTIALS");
  o.full_uri = "http://10.0.0.1/creds";  // plain http only to loopback and the ECS/EKS addresses
  CHECK(failure([&] { (void)aws_container_credentials(o, fast()).credentials(); }) == "EINVAL");
  std::filesystem::remove(file);
}

TEST_CASE("keyless: Google federation with impersonation, and Entra ID, as documented") {
  if (!has_cloud()) return;
  GcpAccessTokenOptions g;
  g.audience = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p/providers/q";
  g.token.function = [] { return oidc_a; };
  g.service_account = "db@proj.iam.gserviceaccount.com";
  g.sts_endpoint = cloud_url + "/google/v1/token";
  g.iam_endpoint = cloud_url + "/iam";
  const AccessTokenProvider google = gcp_access_token(g, fast());
  const std::string token = google.password()();
  const auto sts = requests_of("gcpSts");
  REQUIRE(sts.size() == 1);
  CHECK(sts[0]["form"]["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange");
  CHECK(sts[0]["form"]["subject_token"] == oidc_a);
  CHECK(sts[0]["form"]["subject_token_type"] == "urn:ietf:params:oauth:token-type:jwt");
  CHECK(sts[0]["form"]["scope"] == "https://www.googleapis.com/auth/cloud-platform");
  const auto iam = requests_of("gcpIam");
  REQUIRE(iam.size() == 1);
  CHECK(iam[0]["path"] == "/iam/v1/projects/-/serviceAccounts/db@proj.iam.gserviceaccount.com:generateAccessToken");
  const json issued = control("/issued");
  CHECK(iam[0]["headers"]["authorization"] == "Bearer " + issued[0]["token"].get<std::string>());
  CHECK(token == issued[1]["token"].get<std::string>());
  CHECK(google.token() == token);  // cached
  CHECK(requests_of("gcpSts").size() == 1);

  reset();
  const std::string file = temp_file("-azure", oidc_b);
  AzureAccessTokenOptions a;
  a.tenant_id = "contoso.onmicrosoft.com";
  a.client_id = "0fd1ad3c-1111-2222-3333-444455556666";
  a.token.file = file;
  a.authority_host = cloud_url + "/entra";
  const std::string entra = azure_access_token(a, fast()).token();
  const auto e = requests_of("entra");
  REQUIRE(e.size() == 1);
  CHECK(e[0]["path"] == "/entra/contoso.onmicrosoft.com/oauth2/v2.0/token");
  CHECK(e[0]["form"]["client_id"] == a.client_id);
  CHECK(e[0]["form"]["client_assertion"] == oidc_b);
  CHECK(e[0]["form"]["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  CHECK(e[0]["form"]["grant_type"] == "client_credentials");
  CHECK(e[0]["form"]["scope"] == "https://ossrdbms-aad.database.windows.net/.default");
  CHECK(entra == control("/issued")[0]["token"].get<std::string>());
  std::filesystem::remove(file);
}

TEST_CASE("keyless: each documented refusal is a clear ECREDENTIALS, a silent service ETIMEDOUT, no secret shown") {
  if (!has_cloud()) return;
  AwsWebIdentityOptions o;
  o.role_arn = role_arn;
  o.region = "eu-west-1";
  o.token.function = [] { return oidc_a; };
  o.endpoint = cloud_url + "/sts/";
  const auto sts_fails = [&](const json& behaviour, const std::string& words) {
    (void)control("/behaviour", {{"sts", behaviour}});
    std::string message;
    const std::string code = failure([&] {
      try {
        (void)aws_web_identity(o, fast()).credentials();
      } catch (const Error& e) {
        message = e.message();
        throw;
      }
    });
    CHECK_MESSAGE(message.find(words) != std::string::npos, message);
    return code;
  };
  CHECK(sts_fails({{"status", 400}, {"code", "InvalidIdentityToken"}, {"message", "bad token " + oidc_a}},
                  "InvalidIdentityToken") == "ECREDENTIALS");
  CHECK(sts_fails({{"status", 400}, {"code", "ExpiredTokenException"}}, "ExpiredTokenException") == "ECREDENTIALS");
  CHECK(sts_fails({{"status", 403}, {"code", "AccessDenied"}}, "AccessDenied") == "ECREDENTIALS");
  CHECK(sts_fails({{"status", 503}, {"code", "IDPCommunicationError"}}, "unavailable") == "ECREDENTIALS");
  CHECK(sts_fails("malformed", "answer") == "ECREDENTIALS");
  CHECK(sts_fails("huge", "larger than 64 KiB") == "ECREDENTIALS");
  CHECK(sts_fails("redirect", "HTTP 302") == "ECREDENTIALS");  // not followed: the token goes nowhere else
  for (const json& r : control("/requests")) CHECK(r["path"] == "/sts/");
  reset();
  // The stand-in echoes an unknown token in its message: never in ours.
  (void)control("/settings", {{"validTokens", json::array({oidc_b})}});
  CHECK(failure([&] { (void)aws_web_identity(o, fast()).credentials(); }) == "ECREDENTIALS");

  reset();
  (void)control("/behaviour", {{"sts", "slow"}});
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(failure([&] { (void)aws_web_identity(o, fast(std::chrono::milliseconds(300))).credentials(); }) == "ETIMEDOUT");
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));

  reset();
  (void)control("/behaviour", {{"imds", "slow"}});
  CHECK(failure([&] {
          (void)aws_imds_credentials(cloud_url + "/imds", fast(std::chrono::milliseconds(300))).credentials();
        }) == "ETIMEDOUT");

  reset();
  GcpAccessTokenOptions g;
  g.audience = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p/providers/q";
  g.token.function = [] { return oidc_a; };
  g.sts_endpoint = cloud_url + "/google/v1/token";
  (void)control("/settings", {{"validTokens", json::array({oidc_b})}});  // invalid_grant, quoting the token
  CHECK(failure([&] { (void)gcp_access_token(g, fast()).token(); }) == "ECREDENTIALS");
  AzureAccessTokenOptions a;
  a.tenant_id = "contoso.onmicrosoft.com";
  a.client_id = "0fd1ad3c-1111-2222-3333-444455556666";
  a.token.function = [] { return oidc_a; };
  a.authority_host = cloud_url + "/entra";
  CHECK(failure([&] { (void)azure_access_token(a, fast()).token(); }) == "ECREDENTIALS");  // AADSTS70021
  a.token.function = {};
  a.token.file = "/nonexistent/edgepg-token";
  CHECK(failure([&] { (void)azure_access_token(a, fast()).token(); }) == "ECREDENTIALS");
  // Nothing listens: the transport's code, with the service named.
  a.authority_host = "http://127.0.0.1:1";
  a.token.function = [] { return oidc_a; };
  CHECK(failure([&] { (void)azure_access_token(a, fast()).token(); }) == "ECONNREFUSED");
}

TEST_CASE("keyless: rds_iam_password with native credentials is byte-equal to @aws-sdk/rds-signer") {
  if (!has_cloud()) return;
  (void)control("/settings", {{"fixedCredentials",
                               {{"accessKeyId", "ASIAEXAMPLEFIXED0001"},
                                {"secretAccessKey", "fixed/secret+key=0123456789abcdefghijklmnopq"},
                                {"sessionToken", "IQoJb3JpZ2luX2VjEfixed/session+token=="}}}});
  TestClock clock;
  CloudOptions io = fast();
  io.clock = clock.fn();
  AwsWebIdentityOptions o;
  o.role_arn = role_arn;
  o.region = "eu-west-1";
  o.token.function = [] { return oidc_a; };
  o.endpoint = cloud_url + "/sts/";
  const auto password = rds_iam_password(aws_web_identity(o, io), "db.cluster-abc.eu-west-1.rds.amazonaws.com", 5432,
                                         "app_user", "eu-west-1");
  const std::string token = password();
  const json signer = control("/rds-signer", {{"hostname", "db.cluster-abc.eu-west-1.rds.amazonaws.com"},
                                              {"port", 5432},
                                              {"username", "app_user"},
                                              {"region", "eu-west-1"},
                                              {"epochSeconds", clock.ms->load() / 1000},
                                              {"credentials",
                                               {{"accessKeyId", "ASIAEXAMPLEFIXED0001"},
                                                {"secretAccessKey", "fixed/secret+key=0123456789abcdefghijklmnopq"},
                                                {"sessionToken", "IQoJb3JpZ2luX2VjEfixed/session+token=="}}}});
  CHECK(token == signer["token"].get<std::string>());
  CHECK(token.find("X-Amz-Security-Token=") != std::string::npos);
}

namespace {

// The role tests/support/services.js gives the cleartext `password` method in pg_hba.conf, as RDS and Azure take
// their tokens; the superuser sets its password for a test and puts it back.
constexpr const char* plain_user = "plain_user";
constexpr const char* plain_password = "plain-password-3";

std::string plain_login() {
  return "host=127.0.0.1 port=" + std::to_string(e2e::services().pg_port) +
         " user=plain_user dbname=postgres sslmode=disable";
}

void set_plain_password(const std::string& password) {
  Connection su("host=127.0.0.1 port=" + std::to_string(e2e::services().pg_port) +
                " user=postgres password=super-secret-pw dbname=postgres sslmode=disable");
  (void)su.query("select set_config('edgepg.pw', $1, false)", {password});
  (void)su.query(
      "do $$ begin execute format('alter role plain_user password %L', "
      "current_setting('edgepg.pw')); end $$");
}

}  // namespace

TEST_CASE("keyless: an Entra token as a Connection's password_provider reaches PostgreSQL as the cleartext password") {
  if (!has_cloud()) return;
  (void)control("/settings", {{"fixedAccessToken", plain_password}});
  AzureAccessTokenOptions a;
  a.tenant_id = "contoso.onmicrosoft.com";
  a.client_id = "0fd1ad3c-1111-2222-3333-444455556666";
  a.token.function = [] { return oidc_a; };
  a.authority_host = cloud_url + "/entra";
  ConnectOptions o = parse_connection_string(plain_login());
  o.password_provider = azure_access_token(a, fast()).password();
  o.require_auth = "password";
  Connection db(o);
  CHECK(db.query("select current_user")[0][0].text() == plain_user);
  CHECK(requests_of("entra").size() == 1);
}

TEST_CASE("keyless: rds_iam_password as a Connection's password_provider: PostgreSQL takes the RDS token") {
  if (!has_cloud()) return;
  // A fixed clock makes the token deterministic: the role's password is set to it first (no RDS here to check the
  // signature: its byte-equality with rds-signer is the test above).
  CloudOptions io = fast();
  io.clock = [] { return std::int64_t{1'900'000'000'000}; };
  AwsCredentialsProvider fixed(
      "fixed",
      [](std::int64_t) {
        cloud::AwsCredentials c;
        c.credentials = {"ASIAEXAMPLEFIXED0003", "fixed/secret+key=0123456789abcdefghijklmnopq", "session/token=="};
        c.expiration = 1'900'003'600;
        return c;
      },
      io);
  ConnectOptions o = parse_connection_string(plain_login());
  o.password_provider = rds_iam_password(fixed, "127.0.0.1", o.port, o.user, "eu-west-1");
  o.require_auth = "password";
  const std::string token = o.password_provider();
  CHECK(token.starts_with("127.0.0.1:" + std::to_string(o.port) + "/?Action=connect&DBUser=plain_user&"));
  set_plain_password(token);
  std::string who;
  std::string refused;
  try {
    Connection db(o);
    who = std::string(db.query("select current_user")[0][0].text());
    // Without require_auth "password" the cleartext request is refused, as the header says.
    ConnectOptions strict = o;
    strict.require_auth.reset();
    try {
      Connection again(strict);
    } catch (const Error& e) {
      refused = e.code();
    }
  } catch (...) {
    set_plain_password(plain_password);
    throw;
  }
  set_plain_password(plain_password);
  CHECK(who == plain_user);
  CHECK(refused == "EAUTH");
}
