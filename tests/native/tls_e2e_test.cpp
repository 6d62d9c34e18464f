// TLS as libpq's sslmode says, against PostgreSQL with ssl=on and a certificate for "localhost" signed by a CA made
// for the run (scripts/test-native): verify-full, verify-ca, require, prefer, disable; wrong CA; host mismatch;
// TLS inside a WebSocket tunnel; wss:// to websockify.
#include <doctest/doctest.h>

#include "edgepg/client.hpp"
#include "services.hpp"

using namespace edgepg;
using edgepg::e2e::services;

namespace {

std::string ca() { return services().tls_dir + "/ca.crt"; }
std::string wrong_ca() { return services().tls_dir + "/wrong-ca.crt"; }

std::string over_tcp(const std::string& host, const std::string& extra) {
  return "host=" + host + " hostaddr=127.0.0.1 port=" + std::to_string(services().pg_port) +
         " user=scram_user password='" + e2e::scram_password + "' dbname=edgepg_test " + extra;
}

bool server_sees_ssl(Connection& c) {
  return c.query("select ssl from pg_stat_ssl where pid = pg_backend_pid()")[0][0].as_bool();
}

std::string code_of_connect(const std::string& conninfo) {
  try {
    Connection c(conninfo);
    return "connected";
  } catch (const Error& e) {
    return e.code();
  }
}

}  // namespace

TEST_CASE("TLS: verify-full with the right CA and host name") {
  REQUIRE_FALSE(services().tls_dir.empty());
  Connection c(over_tcp("localhost", "sslmode=verify-full sslrootcert=" + ca()));
  CHECK(c.info().tls);
  CHECK(server_sees_ssl(c));
  CHECK(c.query("select $1::text", {"over TLS"})[0][0].text() == "over TLS");
  const Result many = c.query("select g, md5(g::text) from generate_series(1, 20000) g");
  CHECK(many.size() == 20000);
  CHECK(many[19999][0].as_int64() == 20000);
}

TEST_CASE("TLS: a certificate from another CA is refused under verify-full and verify-ca") {
  CHECK(code_of_connect(over_tcp("localhost", "sslmode=verify-full sslrootcert=" + wrong_ca())) == "ECERT");
  CHECK(code_of_connect(over_tcp("localhost", "sslmode=verify-ca sslrootcert=" + wrong_ca())) == "ECERT");
  // libpq: require with a root certificate given checks the chain too.
  CHECK(code_of_connect(over_tcp("localhost", "sslmode=require sslrootcert=" + wrong_ca())) == "ECERT");
  try {
    Connection c(over_tcp("localhost", "sslmode=verify-full sslrootcert=" + wrong_ca()));
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("certificate") != std::string::npos);
    CHECK(std::string(e.what()).find(e2e::scram_password) == std::string::npos);
  }
}

TEST_CASE("TLS: a host name mismatch is refused under verify-full, accepted under verify-ca") {
  // The certificate names "localhost" only: neither "wrong.example" nor the IP address 127.0.0.1 matches.
  CHECK(code_of_connect(over_tcp("wrong.example", "sslmode=verify-full sslrootcert=" + ca())) == "ECERT");
  CHECK(code_of_connect("host=127.0.0.1 port=" + std::to_string(services().pg_port) +
                        " user=scram_user dbname=edgepg_test sslmode=verify-full sslrootcert=" + ca()) == "ECERT");
  Connection c(over_tcp("wrong.example", "sslmode=verify-ca sslrootcert=" + ca()));
  CHECK(c.info().tls);
  CHECK(server_sees_ssl(c));
}

TEST_CASE("TLS: require encrypts without checking; prefer takes TLS when offered; disable stays plain") {
  Connection req(over_tcp("127.0.0.1", "sslmode=require"));
  CHECK(req.info().tls);
  CHECK(server_sees_ssl(req));
  Connection pref(over_tcp("127.0.0.1", "sslmode=prefer"));
  CHECK(pref.info().tls);
  Connection off(over_tcp("127.0.0.1", "sslmode=disable"));
  CHECK_FALSE(off.info().tls);
  CHECK_FALSE(server_sees_ssl(off));
}

TEST_CASE("TLS: PostgreSQL's TLS inside the WebSocket tunnel, verified") {
  Connection c(e2e::ws("sslmode=verify-full sslrootcert=" + ca()));
  CHECK(c.info().websocket);
  CHECK(c.info().tls);
  CHECK(server_sees_ssl(c));
  CHECK(code_of_connect(e2e::ws("sslmode=verify-full sslrootcert=" + wrong_ca())) == "ECERT");
}

TEST_CASE("TLS: wss:// to websockify, its certificate checked against the URL's host") {
  if (services().wss_port == 0) return;
  const std::string port = std::to_string(services().wss_port);
  const std::string base = "user=scram_user password='" + std::string(e2e::scram_password) +
                           "' dbname=edgepg_test sslmode=disable sslrootcert=";
  Connection c(base + ca() + " websocket_url=wss://localhost:" + port + "/");
  CHECK(c.info().websocket_tls);
  CHECK(c.query("select 42")[0][0].as_int64() == 42);
  CHECK(code_of_connect(base + wrong_ca() + " websocket_url=wss://localhost:" + port + "/") == "ECERT");
  CHECK(code_of_connect(base + ca() + " websocket_url=wss://127.0.0.1:" + port + "/") == "ECERT");
}
