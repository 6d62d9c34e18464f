// Failures that must end cleanly: the server terminating a backend mid-result, query and connect timeouts,
// nothing listening; and what a login sends to a server that never answers.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "edgepg/client.hpp"
#include "loopback_port.hpp"
#include "services.hpp"

using namespace edgepg;
using edgepg::e2e::services;

namespace {

void terminate_when_sleeping(const std::string& conninfo, std::int32_t pid) {
  Connection admin(conninfo);
  for (int i = 0; i < 500; ++i) {
    const Result r = admin.query("select wait_event from pg_stat_activity where pid = $1", {pid});
    if (!r.empty() && r[0][0].text() == "PgSleep") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(admin.query("select pg_terminate_backend($1)", {pid})[0][0].as_bool());
}

void check_terminated_mid_result(const std::string& conninfo) {
  Connection victim(conninfo);
  const std::int32_t pid = victim.info().backend_pid;
  auto killer = std::async(std::launch::async, [&] { terminate_when_sleeping(conninfo, pid); });
  try {
    // Rows stream out until row 5000, whose evaluation sleeps: the result is cut in the middle.
    (void)victim.query(
        "select g, case when g = 5000 then pg_sleep(30)::text end "
        "from generate_series(1, 10000) g");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "57P01");  // FATAL: terminating connection due to administrator command
    CHECK(e.from_server());
  }
  killer.get();
  CHECK_FALSE(victim.is_open());
  try {
    (void)victim.query("select 1");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "ECONNCLOSED");
  }
}

}  // namespace

TEST_CASE("the server terminating the backend mid-result: a clean error, then ECONNCLOSED") {
  SUBCASE("TCP") { check_terminated_mid_result(e2e::tcp()); }
  SUBCASE("WebSocket") { check_terminated_mid_result(e2e::ws()); }
  if (!services().tls_dir.empty()) {
    SUBCASE("TLS") { check_terminated_mid_result(e2e::tcp("sslmode=require")); }
  }
}

TEST_CASE("query timeout: ETIMEDOUT quickly, and the connection is closed") {
  Connection c(e2e::tcp("sslmode=disable query_timeout=0.3"));
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)c.query("select pg_sleep(10)");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "ETIMEDOUT");
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  CHECK_FALSE(c.is_open());
  Connection d(e2e::tcp());
  d.set_query_timeout(std::chrono::milliseconds(5000));
  CHECK(d.query("select pg_sleep(0.05)").size() == 1);
}

TEST_CASE("connect: nothing listening is ECONNREFUSED; a server that never answers is ETIMEDOUT") {
  // Closed again at once: refused.
  {
    const e2e::LoopbackPort closed(false);
    try {
      Connection c("host=127.0.0.1 user=x sslmode=disable port=" + std::to_string(closed.port));
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == "ECONNREFUSED");
    }
  }
  // A listening socket that never accepts: the TCP handshake completes (backlog), the login never does.
  const e2e::LoopbackPort silent(true);
  const auto start = std::chrono::steady_clock::now();
  try {
    Connection c("host=127.0.0.1 user=x connect_timeout=0.3 port=" + std::to_string(silent.port));
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "ETIMEDOUT");
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  try {
    Connection c("host=no-such-host.invalid user=x");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "ENOTFOUND");
  }
}

TEST_CASE(
    "connect: with require_auth=password the password goes with the startup; with SCRAM nothing but the startup") {
  // A server that never answers (a listening socket nobody accepts): what each client sent before it timed out is
  // what the server would have had before saying anything.
  const auto first_bytes = [](const std::string& conninfo_tail) {
    const e2e::LoopbackPort silent(true);
    try {
      Connection c("host=127.0.0.1 user=u sslmode=disable connect_timeout=0.3 port=" + std::to_string(silent.port) +
                   " " + conninfo_tail);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == "ETIMEDOUT");
    }
    const int conn = ::accept(silent.fd, nullptr, nullptr);
    REQUIRE(conn >= 0);
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = ::read(conn, buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    ::close(conn);
    return got;
  };
  using namespace std::string_literals;
  const std::string pipelined = first_bytes("password=tok3n require_auth=password");
  REQUIRE(pipelined.size() > 8);
  const auto startup_length =
      (std::uint32_t(std::uint8_t(pipelined[0])) << 24) | (std::uint32_t(std::uint8_t(pipelined[1])) << 16) |
      (std::uint32_t(std::uint8_t(pipelined[2])) << 8) | std::uint32_t(std::uint8_t(pipelined[3]));
  CHECK(pipelined.substr(startup_length) == "p\0\0\0\x0atok3n\0"s);  // the PasswordMessage, right behind it
  const std::string scram = first_bytes("password=tok3n");           // the default policy: SCRAM only
  CHECK(scram.size() == static_cast<std::size_t>(startup_length));   // the startup alone (same user and options)
  CHECK(scram.find("tok3n") == std::string::npos);
}
