#include "credentials.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "edgepg/error.hpp"
#include "edgepg/sign/rds_token.hpp"

namespace edgepg::gateway {

std::string read_password(const std::string& file, const std::string& env, std::string& why) {
  if (file.empty() && env.empty()) {
    why = "no password_file, password_env or rds_iam";
    return {};
  }
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (v == nullptr || *v == '\0') why = "the environment variable " + env + " is not set";
    return v == nullptr ? std::string() : std::string(v);
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    why = "cannot read the password file " + file;
    return {};
  }
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) why = "the password file " + file + " is empty";
  return text;
}

std::string rds_iam_token(const std::string& role, const RdsIamConfig& rds_iam, const UpstreamConfig& upstream,
                          const AwsCredentialsProvider& aws, std::int64_t now, std::string& why) {
  try {
    const cloud::AwsCredentials c = aws.credentials();
    std::string token;
    const std::string& host = rds_iam.host.empty() ? upstream.host : rds_iam.host;
    const Status s = sign::rds_auth_token(host, rds_iam.port.value_or(upstream.port), role, rds_iam.region,
                                          c.credentials, now, token);
    if (!s) {
      why = "the RDS IAM token could not be signed: " + s.message();
      return {};
    }
    return token;
  } catch (const Error& e) {
    why = "no AWS credentials for rds_iam (" + aws.name() + "): " + e.what();  // the providers' messages hold no secret
    return {};
  }
}

std::string role_password(const std::string& role, const RoleCredentials& credentials, const UpstreamConfig& upstream,
                          std::string& why) {
  if (!credentials.rds_iam) return read_password(credentials.password_file, credentials.password_env, why);
  static const AwsCredentialsProvider chain = aws_default_chain();  // one cache for the process
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return rds_iam_token(role, *credentials.rds_iam, upstream, chain, now, why);
}

}  // namespace edgepg::gateway
