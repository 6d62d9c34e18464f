#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>

using namespace std::string_literals;

#include "crypto/crypto.hpp"
#include "edgepg/pg/connection.hpp"
#include "util/base64.hpp"
#include "wire_builder.hpp"

using namespace edgepg;
using namespace edgepg::pg;
using edgepg::test::Wire;

namespace {

// Records events as one line each, so two runs can be compared.
struct Recorder final : EventSink {
  std::vector<std::string> log;
  void on_password_needed() override { log.emplace_back("password?"); }
  void on_authenticated() override { log.emplace_back("auth-ok"); }
  void on_parameter_status(const ParameterStatus& p) override { log.push_back("param " + p.name + "=" + p.value); }
  void on_backend_key_data(const BackendKeyData& k) override { log.push_back("key " + std::to_string(k.process_id)); }
  void on_ready(TransactionStatus s) override { log.push_back(std::string("ready ") + static_cast<char>(s)); }
  void on_row_description(const std::vector<FieldDescription>& f) override {
    std::string s = "fields";
    for (const auto& x : f) s += " " + x.name + ":" + std::to_string(x.type_oid);
    log.push_back(s);
  }
  void on_data_row(Bytes body) override {
    DataRowReader r;
    REQUIRE(DataRowReader::open(body, r));
    std::string s = "row";
    for (int i = 0; i < r.columns(); ++i) {
      std::optional<Bytes> c;
      REQUIRE(r.next(c));
      s += c ? " '" + std::string(reinterpret_cast<const char*>(c->data()), c->size()) + "'" : " NULL";
    }
    log.push_back(s);
  }
  void on_command_complete(const CommandComplete& c) override { log.push_back("complete " + c.tag); }
  void on_empty_query() override { log.emplace_back("empty"); }
  void on_error(const ErrorFields& e, bool fatal) override {
    log.push_back("error " + e.code + (fatal ? " fatal" : ""));
  }
  void on_notice(const ErrorFields& e) override { log.push_back("notice " + e.message); }
  void on_notification(const Notification& n) override { log.push_back("notify " + n.channel + " " + n.payload); }
};

ConnectionOptions options() {
  ConnectionOptions o;
  o.user = "alice";
  o.database = "db";
  o.scram_nonce = "fyko+d2lbbFgONRv9qkxdawL";
  return o;
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string out_text(const Connection& c) {
  return std::string(reinterpret_cast<const char*>(c.output().data()), c.output().size());
}

// A SCRAM-SHA-256 server, enough to drive the client: it checks the proof and signs, or signs wrongly on request.
struct ScramServer {
  std::string password = "pencil";
  std::string salt_b64 = "W22ZaJ0SNY7soEsUEjb6gQ==";
  int iterations = 4096;
  std::string client_first_bare, server_first;
  crypto::Digest256 client_key{}, server_key{};

  std::string first(const std::string& client_first) {
    client_first_bare = client_first.substr(3);  // after "n,,"
    const auto r = client_first_bare.substr(client_first_bare.find("r=") + 2);
    server_first = "r=" + r + "SERVERNONCE,s=" + salt_b64 + ",i=" + std::to_string(iterations);
    auto salt = *util::base64_decode(salt_b64);
    crypto::Digest256 salted{};
    REQUIRE(crypto::pbkdf2_sha256(password, salt, static_cast<std::uint32_t>(iterations), salted));
    client_key = crypto::hmac_sha256(salted, crypto::bytes_of("Client Key"));
    server_key = crypto::hmac_sha256(salted, crypto::bytes_of("Server Key"));
    return server_first;
  }
  // Returns the server-final, or "" when the client's proof is wrong.
  std::string final(const std::string& client_final, bool forge = false) {
    const auto without_proof = client_final.substr(0, client_final.find(",p="));
    const auto proof = *util::base64_decode(client_final.substr(client_final.find(",p=") + 3));
    const auto auth_message = client_first_bare + "," + server_first + "," + without_proof;
    const auto stored = crypto::sha256(client_key);
    auto sig = crypto::hmac_sha256(stored, crypto::bytes_of(auth_message));
    for (std::size_t i = 0; i < sig.size(); ++i) sig[i] ^= proof[i];
    if (crypto::sha256(sig) != stored) return "";
    auto server_sig = crypto::hmac_sha256(server_key, crypto::bytes_of(auth_message));
    if (forge) server_sig[0] ^= 1;
    return "v=" + util::base64_encode(server_sig);
  }
};

// The body of the frontend 'p' message that the output ends with.
std::string last_password_message(const Connection& c) {
  const auto out = out_text(c);
  for (std::size_t at = 0; at + 5 <= out.size();) {
    const auto len = (std::uint32_t(std::uint8_t(out[at + 1])) << 24) |
                     (std::uint32_t(std::uint8_t(out[at + 2])) << 16) |
                     (std::uint32_t(std::uint8_t(out[at + 3])) << 8) | std::uint32_t(std::uint8_t(out[at + 4]));
    if (at + 1 + len == out.size()) {
      REQUIRE(out[at] == 'p');
      return out.substr(at + 5);
    }
    at += 1 + len;
  }
  FAIL("no complete 'p' message at the end of the output");
  return {};
}

Wire login_tail() {
  Wire w;
  w.auth(0).parameter_status("server_version", "15.18").backend_key(99, 1).ready('I');
  return w;
}

}  // namespace

TEST_CASE("connection: trust login") {
  Recorder rec;
  Connection c(options(), rec);
  REQUIRE(c.start());
  CHECK(out_text(c).find("user\0alice\0database\0db\0"s) != std::string::npos);
  c.clear_output();
  const auto s = c.receive(login_tail().bytes());
  INFO(s.message());
  REQUIRE(s);
  CHECK(c.phase() == Phase::ready);
  CHECK(rec.log == std::vector<std::string>{"auth-ok", "param server_version=15.18", "key 99", "ready I"});
  CHECK(c.server_parameters().at("server_version") == "15.18");
}

TEST_CASE("connection: extra startup parameters go into the StartupMessage, and only before start") {
  Recorder rec;
  Connection c(options(), rec);
  REQUIRE(c.add_startup_parameter("options", "-c search_path=app"));
  REQUIRE(c.add_startup_parameter("statement_timeout", "5000"));
  REQUIRE(c.start());
  CHECK(out_text(c).find("options\0-c search_path=app\0statement_timeout\0"
                         "5000\0"s) != std::string::npos);
  CHECK(c.add_startup_parameter("x", "y").code() == ErrorCode::invalid_state);
  Connection bad(options(), rec);
  REQUIRE(bad.add_startup_parameter("bad", std::string("a\0b", 3)));
  CHECK(bad.start().code() == ErrorCode::invalid_argument);
}

TEST_CASE("connection: cleartext and md5 logins") {
  {
    Recorder rec;
    Connection c(options(), rec);
    REQUIRE(c.provide_password("s3cret"));
    REQUIRE(c.start());
    c.clear_output();
    Wire w;
    w.auth(3);
    REQUIRE(c.receive(w.bytes()));
    CHECK(last_password_message(c) == "s3cret\0"s);
  }
  {
    Recorder rec;
    Connection c(options(), rec);
    REQUIRE(c.provide_password("secret"));
    REQUIRE(c.start());
    c.clear_output();
    Wire w;
    w.auth(5, std::string("\x01\x02\x03\x04", 4));
    REQUIRE(c.receive(w.bytes()));
    const auto expected = auth::md5_password_response("alice", "secret", {1, 2, 3, 4});
    CHECK(last_password_message(c) == expected + '\0');
  }
}

TEST_CASE("connection: asks for the password only when the server does") {
  Recorder rec;
  Connection c(options(), rec);
  REQUIRE(c.start());
  c.clear_output();
  Wire w;
  w.auth(3);
  REQUIRE(c.receive(w.bytes()));
  CHECK(c.phase() == Phase::awaiting_password);
  CHECK(rec.log == std::vector<std::string>{"password?"});
  CHECK(c.output().empty());
  REQUIRE(c.provide_password("late"));
  CHECK(last_password_message(c) == "late\0"s);
  CHECK(c.phase() == Phase::authenticating);
}

TEST_CASE("connection: SCRAM-SHA-256 login verifies the server") {
  for (bool forge : {false, true}) {
    Recorder rec;
    Connection c(options(), rec);
    REQUIRE(c.provide_password("pencil"));
    REQUIRE(c.start());
    c.clear_output();
    ScramServer server;
    Wire w;
    w.auth(10, Wire::cstr("SCRAM-SHA-256") + '\0');
    REQUIRE(c.receive(w.bytes()));
    const auto initial = last_password_message(c);
    REQUIRE(initial.rfind("SCRAM-SHA-256\0"s, 0) == 0);
    const auto client_first = initial.substr(14 + 4);
    CHECK(client_first == "n,,n=,r=fyko+d2lbbFgONRv9qkxdawL");
    c.clear_output();

    Wire cont;
    cont.auth(11, server.first(client_first));
    REQUIRE(c.receive(cont.bytes()));
    const auto server_final = server.final(last_password_message(c), forge);
    REQUIRE_FALSE(server_final.empty());  // the client's proof was right
    c.clear_output();

    Wire fin;
    fin.auth(12, server_final).append(login_tail());
    const auto s = c.receive(fin.bytes());
    if (forge) {
      CHECK(s.code() == ErrorCode::auth);
      CHECK(c.phase() == Phase::failed);
      CHECK(rec.log.empty());
      CHECK(s.message().find("pencil") == std::string::npos);
    } else {
      CHECK(s);
      CHECK(c.phase() == Phase::ready);
      REQUIRE(c.scram_keys());
    }
  }
}

TEST_CASE("connection: AuthenticationOk without the SCRAM server signature is refused") {
  Recorder rec;
  Connection c(options(), rec);
  REQUIRE(c.provide_password("pencil"));
  REQUIRE(c.start());
  Wire w;
  w.auth(10, Wire::cstr("SCRAM-SHA-256") + '\0').auth(0).ready();
  CHECK(c.receive(w.bytes()).code() == ErrorCode::auth);
  CHECK(c.phase() == Phase::failed);
}

TEST_CASE("connection: unsupported SASL mechanisms and auth methods") {
  {
    Recorder rec;
    Connection c(options(), rec);
    REQUIRE(c.provide_password("x"));
    REQUIRE(c.start());
    Wire w;
    w.auth(10, Wire::cstr("SCRAM-SHA-256-PLUS") + '\0');
    CHECK(c.receive(w.bytes()).code() == ErrorCode::unsupported);
  }
  {
    Recorder rec;
    Connection c(options(), rec);
    REQUIRE(c.start());
    Wire w;
    w.auth(7);
    CHECK(c.receive(w.bytes()).code() == ErrorCode::unsupported);
  }
}

TEST_CASE("connection: a login error is fatal and reported as an event") {
  Recorder rec;
  Connection c(options(), rec);
  REQUIRE(c.provide_password("wrong"));
  REQUIRE(c.start());
  Wire w;
  w.auth(3).error({{'S', "FATAL"}, {'C', "28P01"}, {'M', "password authentication failed for user \"alice\""}});
  REQUIRE(c.receive(w.bytes()));
  CHECK(rec.log == std::vector<std::string>{"error 28P01 fatal"});
  CHECK(c.phase() == Phase::failed);
  CHECK(c.query("select 1").code() == ErrorCode::closed);
}

TEST_CASE("connection: queries before login are refused; NUL bytes are refused") {
  Recorder rec;
  Connection c(options(), rec);
  CHECK(c.query("select 1").code() == ErrorCode::invalid_state);
  REQUIRE(c.start());
  REQUIRE(c.receive(login_tail().bytes()));
  CHECK(c.query("select '\0'"s).code() == ErrorCode::invalid_argument);
}

// A pipelined login (pipeline_password): startup, password and a query in one write, before the server said anything.
Connection pipelined(Recorder& rec) {
  ConnectionOptions o = options();
  REQUIRE(parse_require_auth("password", o.auth_policy));
  return Connection(o, rec);
}

TEST_CASE("connection: a pipelined login sends startup, password and the first query at once") {
  Recorder rec;
  ConnectionOptions o = options();
  REQUIRE(parse_require_auth("password", o.auth_policy));
  Connection c(o, rec);
  REQUIRE(c.provide_password("tok3n"));
  REQUIRE(c.start());
  REQUIRE(c.pipeline_password());
  CHECK(c.login_pipelined());
  REQUIRE(c.query("select 1"));
  const auto out = out_text(c);
  const auto password_at = out.find("p\0\0\0\x0atok3n\0"s);  // 'p', length 10, the password
  REQUIRE(password_at != std::string::npos);
  CHECK(out.find("Q\0\0\0\x0dselect 1\0"s) > password_at);  // the query right behind it
  c.clear_output();
  Wire w;
  w.auth(3);
  REQUIRE(c.receive(w.bytes()));
  CHECK(c.output().empty());  // the request was answered with the startup: nothing is sent twice
  CHECK(rec.log.empty());     // and no on_password_needed
  Wire rest = login_tail();
  rest.row_description({{"?column?", 23}}).data_row({"1"}).command_complete("SELECT 1").ready('I');
  REQUIRE(c.receive(rest.bytes()));
  CHECK(rec.log == std::vector<std::string>{"auth-ok", "param server_version=15.18", "key 99", "ready I",
                                            "fields ?column?:23", "row '1'", "complete SELECT 1", "ready I"});
  CHECK(c.phase() == Phase::ready);
}

TEST_CASE("connection: a pipelined login only with require_auth=password, a known password, right after start") {
  Recorder rec;
  {
    Connection c(options(), rec);  // any method allowed: the password's form would depend on the server's request
    REQUIRE(c.provide_password("tok3n"));
    REQUIRE(c.start());
    CHECK(c.pipeline_password().code() == ErrorCode::invalid_state);
    CHECK(c.query("select 1").code() == ErrorCode::invalid_state);
  }
  for (const char* policy : {"scram-sha-256", "password,scram-sha-256", "password,none", "md5"}) {
    ConnectionOptions o = options();
    REQUIRE(parse_require_auth(policy, o.auth_policy));
    Connection c(o, rec);
    REQUIRE(c.provide_password("tok3n"));
    REQUIRE(c.start());
    CHECK(c.pipeline_password().code() == ErrorCode::invalid_state);
  }
  {
    Connection c = pipelined(rec);
    CHECK(c.pipeline_password().code() == ErrorCode::invalid_state);  // before start
    REQUIRE(c.start());
    CHECK(c.pipeline_password().code() == ErrorCode::invalid_state);  // no password
  }
  {
    Connection c = pipelined(rec);
    REQUIRE(c.provide_password("tok3n"));
    REQUIRE(c.start());
    REQUIRE(c.pipeline_password());
    CHECK(c.pipeline_password().code() == ErrorCode::invalid_state);  // once
  }
}

TEST_CASE(
    "connection: a refused pipelined login fails the queued query unrun; other requests fail as the policy says") {
  {
    Recorder rec;
    Connection c = pipelined(rec);
    REQUIRE(c.provide_password("expired"));
    REQUIRE(c.start());
    REQUIRE(c.pipeline_password());
    REQUIRE(c.query("select 1"));
    c.clear_output();
    Wire w;
    w.auth(3).error({{'S', "FATAL"}, {'C', "28000"}, {'M', "token expired"}});
    REQUIRE(c.receive(w.bytes()));
    CHECK(rec.log == std::vector<std::string>{"error 28000 fatal"});
    CHECK(c.phase() == Phase::failed);
    CHECK(c.output().empty());
  }
  {
    Recorder rec;
    Connection c = pipelined(rec);
    REQUIRE(c.provide_password("tok3n"));
    REQUIRE(c.start());
    REQUIRE(c.pipeline_password());
    Wire w;
    w.auth(10, "SCRAM-SHA-256\0\0"s);
    const auto s = c.receive(w.bytes());
    CHECK(s.code() == ErrorCode::auth);
    CHECK(s.message().find("pipelined") != std::string::npos);
    CHECK(s.message().find("tok3n") == std::string::npos);
  }
  {
    Recorder rec;
    Connection c = pipelined(rec);
    REQUIRE(c.provide_password("tok3n"));
    REQUIRE(c.start());
    REQUIRE(c.pipeline_password());
    Wire w;
    w.auth(3).auth(3);
    CHECK(c.receive(w.bytes()).code() == ErrorCode::protocol);
  }
}

TEST_CASE("connection: pipelined queries, one failing alone") {
  Recorder rec;
  Connection c(options(), rec);
  REQUIRE(c.start());
  REQUIRE(c.receive(login_tail().bytes()));
  c.clear_output();
  rec.log.clear();
  const Param p1[] = {Param("1")};
  REQUIRE(c.query_params("select $1::int as n", p1));
  REQUIRE(c.query_params("select nope", {}));
  // Both queries are in one output buffer, each ended by its own Sync.
  const auto out = out_text(c);
  CHECK(std::count(out.begin(), out.end(), 'S') >= 2);

  Wire w;
  w.msg('1', "").msg('2', "").row_description({{"n", 23}}).data_row({"1"}).command_complete("SELECT 1").ready();
  w.error({{'S', "ERROR"}, {'C', "42703"}, {'M', "column \"nope\" does not exist"}}).ready();
  REQUIRE(c.receive(w.bytes()));
  CHECK(rec.log ==
        std::vector<std::string>{"fields n:23", "row '1'", "complete SELECT 1", "ready I", "error 42703", "ready I"});
  CHECK(c.phase() == Phase::ready);
}

TEST_CASE("connection: named statements: Close and Parse once, then Bind alone; binary formats; checks") {
  Recorder rec;
  Connection c(options(), rec);
  REQUIRE(c.start());
  REQUIRE(c.receive(login_tail().bytes()));
  c.clear_output();
  const Param params[] = {Param(std::string_view("\x01\x02", 2))};
  const std::int16_t binary[] = {1};
  ExtendedQuery q;
  q.sql = "select $1::bytea";
  q.params = params;
  q.param_formats = binary;
  q.statement = "s1";
  REQUIRE(c.query_extended(q));
  const auto first = out_text(c);
  CHECK(first.rfind("C"s + be32(4 + 1 + 3) + "Ss1\0"s + "P", 0) == 0);  // Close of the name, then Parse
  CHECK(first.find("\0s1\0"s + "\0\1"s + "\0\1"s + "\0\1"s + be32(2) + "\x01\x02") != std::string::npos);
  c.clear_output();
  q.parse = false;
  REQUIRE(c.query_extended(q));
  const auto second = out_text(c);
  CHECK(second[0] == 'B');  // Bind the statement parsed before: no Close, no Parse
  CHECK(second.find("select") == std::string::npos);
  c.clear_output();

  Wire w;
  w.msg('3', "")
      .msg('1', "")
      .msg('2', "")
      .row_description({{"bytea", 17}})
      .data_row({"\\x0102"})
      .command_complete("SELECT 1")
      .ready();
  w.msg('2', "").row_description({{"bytea", 17}}).data_row({"\\x0102"}).command_complete("SELECT 1").ready();
  rec.log.clear();
  REQUIRE(c.receive(w.bytes()));
  CHECK(rec.log == std::vector<std::string>{"fields bytea:17", "row '\\x0102'", "complete SELECT 1", "ready I",
                                            "fields bytea:17", "row '\\x0102'", "complete SELECT 1", "ready I"});

  ExtendedQuery bad = q;
  bad.statement = "";
  CHECK(c.query_extended(bad).code() == ErrorCode::invalid_argument);  // the unnamed statement is always parsed
  bad = q;
  const std::int16_t two[] = {1, 0};
  bad.param_formats = two;
  CHECK(c.query_extended(bad).code() == ErrorCode::invalid_argument);  // formats must match the parameters
  const std::int16_t odd[] = {2};
  bad.param_formats = odd;
  CHECK(c.query_extended(bad).code() == ErrorCode::invalid_argument);
  bad = q;
  const std::string nul_name = "a\0b"s;
  bad.statement = nul_name;
  CHECK(c.query_extended(bad).code() == ErrorCode::invalid_argument);
  CHECK(out_text(c).empty());
}

TEST_CASE("connection: the same events for any chunking of a server stream") {
  Wire stream = login_tail();
  stream.row_description({{"id", 23}, {"name", 25}, {"doc", 3802}});
  for (int i = 0; i < 20; ++i) {
    stream.data_row({std::to_string(i),
                     i % 3 ? std::optional<std::string>("n\xC3\xA4me " + std::to_string(i)) : std::nullopt,
                     "{\"a\": [1, 2]}"});
  }
  stream.command_complete("SELECT 20").ready();
  stream.error({{'S', "NOTICE"}, {'C', "00000"}, {'M', "hello"}}, 'N');
  stream.msg('A', Wire::i32(5) + Wire::cstr("chan") + Wire::cstr("pay")).msg('I', "").ready('T');
  const auto& bytes = stream.bytes();

  auto run = [&](const std::vector<std::size_t>& cuts) {
    Recorder rec;
    Connection c(options(), rec);
    REQUIRE(c.start());
    std::size_t at = 0;
    for (auto cut : cuts) {
      REQUIRE(c.receive(Bytes(bytes.data() + at, cut - at)));
      at = cut;
    }
    REQUIRE(c.receive(Bytes(bytes.data() + at, bytes.size() - at)));
    return rec.log;
  };
  const auto expected = run({});
  CHECK(expected.size() == 4 + 1 + 20 + 2 + 3 + 1);
  for (std::size_t cut = 0; cut <= bytes.size(); cut += 1) CHECK(run({cut}) == expected);
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::size_t> cuts;
    for (std::size_t at = rng() % 7; at < bytes.size(); at += 1 + rng() % 64) cuts.push_back(at);
    CHECK(run(cuts) == expected);
  }
}

TEST_CASE("connection: a stream that breaks framing fails the connection") {
  Recorder rec;
  ConnectionOptions o = options();
  o.max_message_size = 1 << 20;
  Connection c(o, rec);
  REQUIRE(c.start());
  REQUIRE(c.receive(login_tail().bytes()));
  Wire w;
  w.raw({'D', 0x80, 0, 0, 0});  // 2 GiB
  CHECK(c.receive(w.bytes()).code() == ErrorCode::message_too_large);
  CHECK(c.phase() == Phase::failed);
  CHECK(c.receive(login_tail().bytes()).code() == ErrorCode::closed);
}

TEST_CASE("connection: COPY and unknown messages are clear errors") {
  Recorder rec;
  Connection c(options(), rec);
  REQUIRE(c.start());
  REQUIRE(c.receive(login_tail().bytes()));
  Wire w;
  w.msg('G', std::string("\0\0\0"s));
  CHECK(c.receive(w.bytes()).code() == ErrorCode::unsupported);

  Recorder rec2;
  Connection c2(options(), rec2);
  REQUIRE(c2.start());
  REQUIRE(c2.receive(login_tail().bytes()));
  Wire u;
  u.msg('?', "");
  CHECK(c2.receive(u.bytes()).code() == ErrorCode::protocol);
}
