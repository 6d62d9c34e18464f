// require_auth / channel_binding parsing, and the policy enforced by the connection: a server that asks for a
// method the policy forbids gets nothing, a server that skips authentication is refused unless "none" is allowed,
// and a hostile server cannot make the client keep unbounded ParameterStatus entries or burn CPU on PBKDF2.
#include "edgepg/pg/auth_policy.hpp"

#include <doctest/doctest.h>

#include <string>

#include "edgepg/pg/connection.hpp"
#include "wire_builder.hpp"

using namespace edgepg;
using namespace edgepg::pg;
using edgepg::test::Wire;

namespace {

struct Sink final : EventSink {
  int password_asked = 0;
  int authenticated = 0;
  void on_password_needed() override { ++password_asked; }
  void on_authenticated() override { ++authenticated; }
};

ConnectionOptions options(AuthPolicy policy) {
  ConnectionOptions o;
  o.user = "alice";
  o.scram_nonce = "fyko+d2lbbFgONRv9qkxdawL";
  o.auth_policy = policy;
  return o;
}

AuthPolicy parsed(std::string_view text) {
  AuthPolicy p;
  REQUIRE(parse_require_auth(text, p));
  return p;
}

bool same(const AuthPolicy& a, const AuthPolicy& b) {
  return a.none == b.none && a.password == b.password && a.md5 == b.md5 && a.scram == b.scram;
}

std::string output_text(const Connection& c) {
  return {reinterpret_cast<const char*>(c.output().data()), c.output().size()};
}

}  // namespace

TEST_CASE("require_auth: libpq's syntax") {
  CHECK(same(parsed(""), AuthPolicy::any()));
  CHECK(same(parsed("scram-sha-256"), AuthPolicy::scram_only()));
  CHECK(same(parsed("password"), AuthPolicy{false, true, false, false}));
  CHECK(same(parsed("md5, scram-sha-256"), AuthPolicy{false, false, true, true}));
  CHECK(same(parsed("!password,!md5"), AuthPolicy{true, false, false, true}));
  CHECK(same(parsed("none"), AuthPolicy{true, false, false, false}));
  CHECK(same(parsed("gss"), AuthPolicy{false, false, false, false}));  // nothing this client can answer
  for (const char* bad : {"scram", "password,!md5", "!none,md5", "md5,,", "cleartext"}) {
    AuthPolicy p;
    const auto s = parse_require_auth(bad, p);
    CHECK_MESSAGE(s.code() == ErrorCode::invalid_argument, bad);
  }
}

TEST_CASE("channel_binding: disable and prefer are accepted, require is refused with what to do") {
  ChannelBinding cb{};
  CHECK(parse_channel_binding("disable", cb));
  CHECK(cb == ChannelBinding::disable);
  CHECK(parse_channel_binding("prefer", cb));
  CHECK(cb == ChannelBinding::prefer);
  const auto s = parse_channel_binding("require", cb);
  CHECK(s.code() == ErrorCode::invalid_argument);
  CHECK(s.message().find("SCRAM-SHA-256-PLUS") != std::string::npos);
  CHECK(parse_channel_binding("maybe", cb).code() == ErrorCode::invalid_argument);
}

TEST_CASE("auth policy: a forbidden request gets no password, no hash, and no password prompt") {
  struct Case {
    std::int32_t code;
    std::string data;
  };
  const Case cases[] = {{3, ""}, {5, std::string("\x01\x02\x03\x04", 4)}};
  for (const auto& kase : cases) {
    for (const bool known_in_advance : {true, false}) {
      Sink sink;
      Connection c(options(AuthPolicy::scram_only()), sink);
      if (known_in_advance) REQUIRE(c.provide_password("s3cret-pw"));
      REQUIRE(c.start());
      c.clear_output();
      Wire w;
      w.auth(kase.code, kase.data);
      const auto s = c.receive(w.bytes());
      CHECK(s.code() == ErrorCode::auth);
      CHECK(s.message().find("require_auth") != std::string::npos);
      CHECK(s.message().find("s3cret") == std::string::npos);
      CHECK(c.output().empty());  // nothing went out
      CHECK(sink.password_asked == 0);
      CHECK(c.phase() == Phase::failed);
    }
  }
}

TEST_CASE("auth policy: an allowed method still works; password allows cleartext only") {
  Sink sink;
  Connection c(options(parsed("password")), sink);
  REQUIRE(c.provide_password("token-as-password"));
  REQUIRE(c.start());
  c.clear_output();
  Wire w;
  w.auth(3);
  REQUIRE(c.receive(w.bytes()));
  CHECK(output_text(c).find("token-as-password") != std::string::npos);
  c.clear_output();
  Wire ok;
  ok.auth(0).ready('I');
  REQUIRE(c.receive(ok.bytes()));
  CHECK(c.phase() == Phase::ready);

  Sink sink2;
  Connection scram(options(parsed("password")), sink2);
  REQUIRE(scram.start());
  Wire sasl;
  sasl.auth(10, Wire::cstr("SCRAM-SHA-256") + '\0');
  CHECK(scram.receive(sasl.bytes()).code() == ErrorCode::auth);
}

TEST_CASE("auth policy: a login without any authentication request (trust) is refused unless none is allowed") {
  for (const bool allow_none : {false, true}) {
    Sink sink;
    Connection c(options(allow_none ? parsed("scram-sha-256,none") : AuthPolicy::scram_only()), sink);
    REQUIRE(c.provide_password("pw"));
    REQUIRE(c.start());
    Wire w;
    w.auth(0).parameter_status("server_version", "15.18").ready('I');
    const auto s = c.receive(w.bytes());
    if (allow_none) {
      CHECK(s);
      CHECK(c.phase() == Phase::ready);
    } else {
      CHECK(s.code() == ErrorCode::auth);
      CHECK(s.message().find("trust") != std::string::npos);
      CHECK(sink.authenticated == 0);
      CHECK(c.phase() == Phase::failed);
    }
  }
}

TEST_CASE("auth policy: configure_auth only before start") {
  Sink sink;
  Connection c(options(AuthPolicy::any()), sink);
  CHECK(c.configure_auth(AuthPolicy::scram_only(), 4096));
  CHECK(c.configure_auth(AuthPolicy::scram_only(), 0).code() == ErrorCode::invalid_argument);
  REQUIRE(c.start());
  CHECK(c.configure_auth(AuthPolicy::any(), 4096).code() == ErrorCode::invalid_state);
}

TEST_CASE("SCRAM: an iteration count above the limit is refused before any PBKDF2 runs") {
  Sink sink;
  ConnectionOptions o = options(AuthPolicy::scram_only());
  o.scram_max_iterations = 100'000;
  Connection c(o, sink);
  REQUIRE(c.provide_password("pencil"));
  REQUIRE(c.start());
  Wire w;
  w.auth(10, Wire::cstr("SCRAM-SHA-256") + '\0');
  REQUIRE(c.receive(w.bytes()));
  Wire cont;
  cont.auth(11, "r=fyko+d2lbbFgONRv9qkxdawLSERVER,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=10000000");
  const auto s = c.receive(cont.bytes());
  CHECK(s.code() == ErrorCode::auth);
  CHECK(s.message().find("scram_max_iterations") != std::string::npos);
}

TEST_CASE("ParameterStatus: distinct names and their bytes are bounded; updates of one name are not") {
  Sink sink;
  ConnectionOptions o = options(AuthPolicy::any());
  o.max_parameter_statuses = 8;
  o.max_parameter_bytes = 1024;
  Connection c(o, sink);
  REQUIRE(c.start());
  Wire login;
  login.auth(0).ready('I');
  REQUIRE(c.receive(login.bytes()));
  for (int i = 0; i < 1000; ++i) {  // the same name again and again: one entry
    Wire w;
    w.parameter_status("TimeZone", "UTC" + std::to_string(i));
    REQUIRE(c.receive(w.bytes()));
  }
  CHECK(c.server_parameters().size() == 1);
  Wire many;
  for (int i = 0; i < 7; ++i) many.parameter_status("p" + std::to_string(i), "v");
  REQUIRE(c.receive(many.bytes()));
  Wire one_more;
  one_more.parameter_status("p-too-many", "v");
  CHECK(c.receive(one_more.bytes()).code() == ErrorCode::protocol);

  Sink sink2;
  Connection big(o, sink2);
  REQUIRE(big.start());
  REQUIRE(big.receive(login.bytes()));
  Wire huge;
  huge.parameter_status("application_name", std::string(2000, 'x'));
  CHECK(big.receive(huge.bytes()).code() == ErrorCode::protocol);
}
