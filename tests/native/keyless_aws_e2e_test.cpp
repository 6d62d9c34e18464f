// The native AWS credentials sources against the stand-ins (keyless_support.hpp): web identity with a token file
// rotated between refreshes (the new token sent; cached in between), the default chain in the SDKs' order
// (environment keys, web identity, the container endpoint, IMDSv2 with its token PUT first), the container
// endpoint's authorization token and its file; each request checked field by field against the documented one.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "edgepg/client.hpp"
#include "keyless_support.hpp"

using namespace edgepg;
using namespace edgepg::e2e::keyless;

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
