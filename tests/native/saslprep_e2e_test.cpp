// SCRAM logins with passwords that SASLprep changes or refuses, from the native face, over TCP and through
// websockify. The roles get their passwords in plain text from CREATE ROLE, so PostgreSQL's own SASLprep decides
// the key (tests/js/saslprep.test.js does the same from the wasm face, beside node-postgres).
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "edgepg/client.hpp"
#include "services.hpp"

using namespace edgepg;
using edgepg::e2e::services;

namespace {

// UTF-8: IX-U+2168 (node-postgres's suite), U+2168 + BEL (prohibited: raw), U+0627 + 'a' (bidi: raw),
// 'a' + U+0340 (prohibited in the input though not after NFKC: raw), e + U+0301 + U+FB01 (composition, ligature).
const std::vector<std::string> kPasswords = {
    "IX-\xE2\x85\xA8",
    "\xE2\x85\xA8\x07",
    "\xD8\xA7"
    "a",
    "a\xCD\x80",
    "e\xCC\x81\xEF\xAC\x81",
};

ConnectOptions base(const std::string& user, const std::string& password) {
  ConnectOptions o;
  o.host = "127.0.0.1";
  o.port = static_cast<std::uint16_t>(services().pg_port);
  o.user = user;
  o.password = password;
  o.database = "postgres";
  o.sslmode = SslMode::disable;
  return o;
}

std::string literal(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string role(std::size_t i) { return "saslprep_native_" + std::to_string(i); }

void create_roles() {
  Connection admin(base("postgres", "super-secret-pw"));
  (void)admin.query("set password_encryption = 'scram-sha-256'");
  for (std::size_t i = 0; i < kPasswords.size(); ++i) {
    (void)admin.query("drop role if exists " + role(i));
    (void)admin.query("create role " + role(i) + " login password " + literal(kPasswords[i]));
  }
}

std::string login(ConnectOptions o) {
  try {
    Connection c(std::move(o));
    return std::string(c.query("select current_user as u")[0]["u"].text());
  } catch (const Error& e) {
    return e.code();
  }
}

}  // namespace

TEST_CASE("SASLprep: Unicode passwords log in over TCP and WebSocket as PostgreSQL prepared them") {
  create_roles();
  for (std::size_t i = 0; i < kPasswords.size(); ++i) {
    CAPTURE(i);
    CHECK(login(base(role(i), kPasswords[i])) == role(i));
    ConnectOptions ws = base(role(i), kPasswords[i]);
    ws.host = "localhost";
    ws.websocket_url = "ws://127.0.0.1:" + std::to_string(services().ws_port) + "/";
    CHECK(login(std::move(ws)) == role(i));
    CHECK(login(base(role(i), kPasswords[i] + "x")) == "28P01");
  }
  CHECK(login(base(role(0), "IX-IX")) == role(0));  // the prepared form is what the server stored
}
