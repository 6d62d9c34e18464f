// native-service: verify a caller's JWT, map its claims to a PostgreSQL role, and run a query as that role.
//
//   native-service --connection "postgresql://svc:pw@db/app?sslmode=verify-full&sslrootcert=ca.crt"
//                  --token eyJ... (--secret-file hs256.key | --jwks-url https://issuer/jwks.json [--jwks-ca ca.pem])
//                  [--issuer https://issuer] [--audience api] [--role-claim role] [--allow app_reader,app_admin]
//
// Keys: an HS256 secret from a file, or the issuer's JWK Set fetched over HTTPS (ES256/RS256/EdDSA tokens).
// The verified role is cached in a BlockingTokenCache until the token expires (the next request with the same token
// runs no signature check); the query runs in a transaction that switches role with set_config('role', $1, true),
// so the role ends with the transaction and never leaks to the next user of the pooled connection.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "edgepg/client.hpp"
#include "edgepg/jwt/jwt.hpp"

namespace {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw edgepg::Error(edgepg::ErrorCode::invalid_argument, "cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Verifies the token and maps it to a role; throws edgepg::Error with the JWT code (ERR_JWT_*).
edgepg::cache::Loaded verify_and_map(const std::string& token, const std::map<std::string, std::string>& args) {
  edgepg::jwt::VerifyOptions options;
  if (args.count("--issuer")) options.claims.issuer = {args.at("--issuer")};
  if (args.count("--audience")) options.claims.audience = {args.at("--audience")};
  options.claims.required_claims = {"exp", "sub"};
  edgepg::jwt::Claims claims;
  edgepg::Status verified;
  if (args.count("--jwks-url")) {
    options.algorithms = {"ES256", "RS256", "EdDSA"};
    edgepg::JwksCache jwks(args.at("--jwks-url"),
                           {.root_cert_file = args.count("--jwks-ca") ? args.at("--jwks-ca") : std::string()});
    verified = edgepg::jwt::verify_jwt(token, jwks.keys(), options, now_ms() / 1000, claims);
  } else {
    options.algorithms = {"HS256"};
    const std::string secret = read_file(args.at("--secret-file"));
    const auto key = std::span(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size());
    verified = edgepg::jwt::verify_jwt_hmac(token, key, options, now_ms() / 1000, claims);
  }
  if (!verified) throw edgepg::Error(verified);
  std::string role;
  const std::string claim = args.count("--role-claim") ? args.at("--role-claim") : "role";
  const auto allowed = split(args.count("--allow") ? args.at("--allow") : "app_reader,app_admin", ',');
  if (auto s = edgepg::jwt::role_from_claims(claims, claim, allowed, role); !s) throw edgepg::Error(s);
  edgepg::cache::Loaded loaded;
  loaded.value = role + "\n" + claims.sub().value_or("");
  loaded.expires_at = *claims.exp() * 1000;
  return loaded;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  if (!args.count("--connection") || !args.count("--token") ||
      (!args.count("--secret-file") && !args.count("--jwks-url"))) {
    std::cerr << "usage: native-service --connection CONNINFO --token JWT (--secret-file FILE | --jwks-url URL "
                 "[--jwks-ca PEM]) [--issuer ISS] [--audience AUD] [--role-claim PATH] [--allow ROLE,ROLE]\n";
    return 2;
  }
  try {
    const std::string& token = args.at("--token");

    // Identity: verified once per token and kept until the token expires.
    edgepg::cache::BlockingTokenCache identities;
    const auto got = identities.get_or_load(
        token,
        [&] {
          try {
            return verify_and_map(token, args);
          } catch (const edgepg::Error& e) {  // its code stays with the failure, for this caller and the cooldown's
            edgepg::cache::Loaded failed;
            failed.status = edgepg::Status(e.error_code(), e.message());
            return failed;
          }
        },
        now_ms);
    if (!got.status) throw edgepg::Error(got.status);
    const auto newline = got.value.find('\n');
    const std::string role = got.value.substr(0, newline);
    const std::string subject = got.value.substr(newline + 1);

    edgepg::Pool pool(args.at("--connection"), edgepg::PoolOptions{.max_connections = 2});
    bool tls = false;
    const edgepg::Result r = pool.transaction([&](edgepg::Connection& tx) {
      // Asked before the switch: pg_stat_ssl shows a session's row only to its own login role (or a superuser).
      tls = tx.query("select ssl from pg_stat_ssl where pid = pg_backend_pid()")[0][0].as_bool();
      (void)tx.query("select set_config('role', $1, true)", {role});
      return tx.query("select current_user, session_user, $1::text as subject", {subject});
    });
    std::cout << "subject=" << r[0]["subject"].text() << " role=" << role
              << " current_user=" << r[0]["current_user"].text() << " session_user=" << r[0]["session_user"].text()
              << " tls=" << (tls ? "yes" : "no") << "\n";
    return 0;
  } catch (const edgepg::Error& e) {
    std::cerr << "native-service: " << e.what() << "\n";
    return 1;
  }
}
