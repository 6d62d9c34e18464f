// Connection strings of the native face: libpq-style URLs and key/value pairs, and WebSocket URLs.
#include <doctest/doctest.h>

#include "edgepg/client/error.hpp"
#include "edgepg/client/options.hpp"

using namespace edgepg;

namespace {
std::string error_code_of(std::string_view text) {
  try {
    (void)parse_connection_string(text);
  } catch (const Error& e) {
    return e.code();
  }
  return "none";
}
}  // namespace

TEST_CASE("options: a full URL with percent-encoding, port, database and parameters") {
  const auto o = parse_connection_string(
      "postgresql://app%40corp:p%C3%A4ss%3Aw@db.example.com:6432/my%20db?sslmode=verify-full&sslrootcert=/etc/ca.pem"
      "&connect_timeout=3&query_timeout=0.25&application_name=svc");
  CHECK(o.user == "app@corp");
  CHECK(o.password == "p\xC3\xA4ss:w");
  CHECK(o.host == "db.example.com");
  CHECK(o.port == 6432);
  CHECK(o.database == "my db");
  CHECK(o.sslmode == SslMode::verify_full);
  CHECK(o.sslrootcert == "/etc/ca.pem");
  CHECK(o.connect_timeout == std::chrono::milliseconds(3000));
  CHECK(o.query_timeout == std::chrono::milliseconds(250));
  CHECK(o.application_name == "svc");
}

TEST_CASE("options: URL defaults, postgres:// scheme, IPv6 host, websocket_url") {
  auto o = parse_connection_string("postgres://");
  CHECK(o.host == "localhost");
  CHECK(o.port == 5432);
  CHECK(o.sslmode == SslMode::prefer);
  CHECK(o.user.empty());
  o = parse_connection_string("postgresql://u@[::1]:5433/d?websocket_url=ws%3A%2F%2F127.0.0.1%3A9000%2Fv1");
  CHECK(o.host == "::1");
  CHECK(o.port == 5433);
  CHECK(o.websocket_url == "ws://127.0.0.1:9000/v1");
  o = parse_connection_string("postgresql://u@%2Ftmp%2Fpg/d");
  CHECK(o.host == "/tmp/pg");
}

TEST_CASE("options: key/value pairs with quoting and escapes") {
  const auto o = parse_connection_string(
      "host=127.0.0.1 port = 5555 user=scram_user password='it\\'s a \\\\secret' dbname=edgepg_test "
      "sslmode=disable hostaddr=127.0.0.2 options='-c search_path=app'");
  CHECK(o.host == "127.0.0.1");
  CHECK(o.hostaddr == "127.0.0.2");
  CHECK(o.port == 5555);
  CHECK(o.user == "scram_user");
  CHECK(o.password == "it's a \\secret");
  CHECK(o.database == "edgepg_test");
  CHECK(o.sslmode == SslMode::disable);
  CHECK(o.options == "-c search_path=app");
  CHECK(parse_connection_string("").host == "localhost");
}

TEST_CASE("options: every sslmode name") {
  CHECK(parse_connection_string("sslmode=disable").sslmode == SslMode::disable);
  CHECK(parse_connection_string("sslmode=allow").sslmode == SslMode::allow);
  CHECK(parse_connection_string("sslmode=prefer").sslmode == SslMode::prefer);
  CHECK(parse_connection_string("sslmode=require").sslmode == SslMode::require);
  CHECK(parse_connection_string("sslmode=verify-ca").sslmode == SslMode::verify_ca);
  CHECK(parse_connection_string("sslmode=verify-full").sslmode == SslMode::verify_full);
  CHECK(std::string(ssl_mode_name(SslMode::verify_ca)) == "verify-ca");
}

TEST_CASE("options: bad input is EINVAL and never echoes the password") {
  CHECK(error_code_of("port=0") == "EINVAL");
  CHECK(error_code_of("port=70000") == "EINVAL");
  CHECK(error_code_of("postgresql://u@h:abc/d") == "EINVAL");
  CHECK(error_code_of("sslmode=maybe") == "EINVAL");
  CHECK(error_code_of("frobnicate=1") == "EINVAL");
  CHECK(error_code_of("host") == "EINVAL");
  CHECK(error_code_of("password='unterminated") == "EINVAL");
  CHECK(error_code_of("host=a,b") == "EINVAL");
  CHECK(error_code_of("connect_timeout=-1") == "EINVAL");
  CHECK(error_code_of("websocket_url=http://x") == "EINVAL");
  try {
    (void)parse_connection_string("postgresql://u:hunter2%zz@h/d");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == "EINVAL");
    CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
  }
  try {
    (void)parse_connection_string("password='hunter2' sslmode=hunter3");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
  }
}

TEST_CASE("options: WebSocket URLs") {
  auto u = parse_websocket_url("ws://127.0.0.1:6543/v1?address=db:5432");
  CHECK_FALSE(u.secure);
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 6543);
  CHECK(u.target == "/v1?address=db:5432");
  u = parse_websocket_url("wss://proxy.example.com");
  CHECK(u.secure);
  CHECK(u.port == 443);
  CHECK(u.target == "/");
  u = parse_websocket_url("ws://[::1]:80?x=1");
  CHECK(u.host == "::1");
  CHECK(u.port == 80);
  CHECK(u.target == "/?x=1");
  CHECK_THROWS_AS(parse_websocket_url("ws://"), Error);
  CHECK_THROWS_AS(parse_websocket_url("ws://user:pw@host/"), Error);
  CHECK_THROWS_AS(parse_websocket_url("ws://host:99999/"), Error);
}

TEST_CASE("options: require_auth, channel_binding and scram_max_iterations") {
  auto o = parse_connection_string(
      "postgres://u:p@h/db?require_auth=password&channel_binding=disable"
      "&scram_max_iterations=5000");
  REQUIRE(o.require_auth);
  CHECK(*o.require_auth == "password");
  CHECK(o.channel_binding == "disable");
  CHECK(o.scram_max_iterations == 5000);
  CHECK_FALSE(parse_connection_string("postgres://u:p@h/db").require_auth);  // the default: decided at connect
  CHECK(error_code_of("postgres://u:p@h/db?require_auth=cleartext") == "EINVAL");
  CHECK(error_code_of("postgres://u:p@h/db?require_auth=md5,!password") == "EINVAL");
  CHECK(error_code_of("postgres://u:p@h/db?channel_binding=require") == "EINVAL");
  CHECK(error_code_of("host=h user=u channel_binding=require") == "EINVAL");
  CHECK(error_code_of("postgres://u:p@h/db?scram_max_iterations=0") == "EINVAL");
}

TEST_CASE("options: a %-encoded host cannot smuggle a path, query, fragment or user info") {
  for (const char* url : {"postgres://u:p@evil.test%2F.db.internal/db", "postgres://u:p@evil.test%3F.db.internal/db",
                          "postgres://u:p@evil.test%23.db.internal/db", "postgres://u:p@a%40evil.test/db",
                          "postgres://u:p@evil%2520x/db", "postgres://u:p@evil%20x/db", "postgres://u:p@evil%5Cx/db"}) {
    CHECK_MESSAGE(error_code_of(url) == "EINVAL", url);
  }
  CHECK(error_code_of("host='evil.test/.db.internal' user=u") == "EINVAL");
  CHECK(parse_connection_string("host=/var/run/postgresql user=u").host == "/var/run/postgresql");  // a socket dir
  CHECK(parse_connection_string("postgres://u:p@db.internal/db").host == "db.internal");
}
