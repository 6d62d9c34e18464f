// The native Connection over each transport against PostgreSQL 15: TCP, a Unix socket, websockify.
#include <doctest/doctest.h>

#include "edgepg/client.hpp"
#include "edgepg/pg/text_codec.hpp"
#include "services.hpp"

using namespace edgepg;
using edgepg::e2e::services;

namespace {

void check_queries(Connection& c) {
  Result r = c.query("select $1::int8 as n, $2::text as t, $3::bool as b, $4::float8 as f, $5::text as z",
                     {std::int64_t{9007199254740993}, "h\xC3\xA9llo", true, 0.1, nullptr});
  REQUIRE(r.size() == 1);
  CHECK(r.fields()[0].name == "n");
  CHECK(r.fields()[0].type_oid == pg::oid::int8);
  CHECK(r.fields()[1].type_oid == pg::oid::text);
  CHECK(r[0]["n"].as_int64() == 9007199254740993);
  CHECK(r[0]["t"].text() == "h\xC3\xA9llo");
  CHECK(r[0]["b"].as_bool());
  CHECK(r[0]["f"].as_double() == 0.1);
  CHECK(r[0]["z"].is_null());
  CHECK(r.command_tag() == "SELECT 1");

  r = c.query("select g, g * 2 as twice, repeat('x', g % 7) as s from generate_series(1, 5000) g");
  REQUIRE(r.size() == 5000);
  std::int64_t sum = 0;
  for (const Row& row : r) sum += row[1].as_int64();
  CHECK(sum == 5000LL * 5001);

  (void)c.query("create temp table t(id int primary key, v text)");
  r = c.query("insert into t select g, 'v' || g from generate_series(1, 3) g");
  CHECK(r.command_tag() == "INSERT 0 3");
  CHECK(r.rows_affected() == 3);
  r = c.query("update t set v = $1 where id >= $2", {"new", 2});
  CHECK(r.rows_affected() == 2);
  r = c.query("select 1; select 2 as two");  // several statements: the last one's result
  CHECK(r[0]["two"].as_int64() == 2);
  CHECK(c.query("").command_tag().empty());
}

}  // namespace

TEST_CASE("TCP: SCRAM login, parameters, types, NULLs, tags, many rows") {
  Connection c(e2e::tcp());
  CHECK(c.is_open());
  CHECK_FALSE(c.info().tls);
  CHECK_FALSE(c.info().websocket);
  CHECK(c.info().backend_pid > 0);
  CHECK(c.server_parameter("server_version").value_or("").starts_with("15"));
  check_queries(c);
}

TEST_CASE("TCP: the same from a postgresql:// URL; md5, cleartext and trust roles") {
  const std::string port = std::to_string(services().pg_port);
  Connection url("postgresql://scram_user:scram-p%C3%A4ssword-1@127.0.0.1:" + port + "/edgepg_test?sslmode=disable");
  CHECK(url.query("select current_user")[0][0].text() == "scram_user");
  // MD5 and cleartext must be asked for (require_auth); by default a password goes out through SCRAM only.
  Connection md5(
      "host=127.0.0.1 sslmode=disable dbname=postgres user=md5_user password=md5-password-2 "
      "require_auth=md5 port=" +
      port);
  CHECK(md5.query("select current_user")[0][0].text() == "md5_user");
  Connection plain(
      "host=127.0.0.1 sslmode=disable dbname=postgres user=plain_user password=plain-password-3 "
      "require_auth=password port=" +
      port);
  CHECK(plain.query("select 1")[0][0].as_int64() == 1);
  for (const std::string user : {"md5_user password=md5-password-2", "plain_user password=plain-password-3",
                                 "trust_user password=unused-password"}) {
    try {
      Connection refused("host=127.0.0.1 sslmode=disable dbname=postgres port=" + port + " user=" + user);
      FAIL("a login outside the default policy (SCRAM only when a password is set) was accepted: " << user);
    } catch (const Error& e) {
      CHECK(e.code() == "EAUTH");
      CHECK(std::string(e.what()).find("require_auth") != std::string::npos);
      CHECK(std::string(e.what()).find("password-") == std::string::npos);
    }
  }
  Connection trust("host=127.0.0.1 sslmode=disable dbname=postgres user=trust_user port=" + port);
  CHECK(trust.query("select 1")[0][0].as_int64() == 1);
}

TEST_CASE("Unix socket: host is the socket's directory") {
  Connection c("host=" + services().dir + " port=" + std::to_string(services().pg_port) +
               " user=postgres dbname=edgepg_test");
  CHECK(c.query("select current_user")[0][0].text() == "postgres");
}

TEST_CASE("WebSocket through websockify: the same queries") {
  Connection c(e2e::ws());
  CHECK(c.info().websocket);
  CHECK_FALSE(c.info().tls);
  check_queries(c);
}

TEST_CASE("a server error keeps the connection usable; the error carries the SQLSTATE and fields") {
  Connection c(e2e::tcp());
  try {
    (void)c.query("select * from no_such_table");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.from_server());
    CHECK(e.code() == "42P01");
    CHECK(e.fields().severity_nonlocal == "ERROR");
    CHECK(e.fields().position == "15");
    CHECK(std::string(e.what()).find("no_such_table") != std::string::npos);
  }
  CHECK(c.is_open());
  CHECK(c.query("select 2")[0][0].as_int64() == 2);
  CHECK_THROWS_AS((void)c.query("select $1::int", {"not a number"}), Error);
  CHECK(c.query("select 3")[0][0].as_int64() == 3);
}

TEST_CASE("a wrong password is 28P01 and the password never shows in what()") {
  try {
    Connection c("host=127.0.0.1 sslmode=disable user=scram_user dbname=edgepg_test password=wrong-hunter2 port=" +
                 std::to_string(services().pg_port));
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "28P01");
    CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
  }
}

TEST_CASE("transaction: commit, rollback on throw, role switch with set_config") {
  Connection c(e2e::tcp());
  (void)c.query("create temp table tx(v int)");
  const auto n = c.transaction([](Connection& tx) {
    (void)tx.query("insert into tx values (1)");
    CHECK(tx.transaction_status() == pg::TransactionStatus::in_transaction);
    return tx.query("select count(*) from tx")[0][0].as_int64();
  });
  CHECK(n == 1);
  CHECK_THROWS_WITH_AS(c.transaction([](Connection& tx) {
    (void)tx.query("insert into tx values (2)");
    throw std::runtime_error("boom");
  }),
                       "boom", std::runtime_error);
  CHECK(c.transaction_status() == pg::TransactionStatus::idle);
  CHECK(c.query("select count(*) from tx")[0][0].as_int64() == 1);
  // An error swallowed inside fn: COMMIT rolls back, and the caller hears of it.
  try {
    c.transaction([](Connection& tx) {
      try {
        (void)tx.query("select 1/0");
      } catch (const Error&) {
      }
    });
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "EROLLBACK");
  }
  const std::string role = c.transaction([](Connection& tx) {
    (void)tx.query("select set_config('role', $1, true)", {"app_reader"});
    return tx.query("select current_user")[0][0].as_string();
  });
  CHECK(role == "app_reader");
  CHECK(c.query("select current_user")[0][0].text() == "scram_user");
}
