// The password functions: rds_iam_password with native credentials byte-equal to @aws-sdk/rds-signer for the same
// credentials and second, and both rds_iam_password and an Entra token as a Connection's password_provider, taken by
// PostgreSQL through the cleartext `password` method (the way RDS and Azure Database for PostgreSQL take tokens).
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "edgepg/client.hpp"
#include "keyless_support.hpp"
#include "services.hpp"

using namespace edgepg;
using namespace edgepg::e2e::keyless;

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
