// The PostgreSQL server role (pg/server_codec.hpp): startup packets, frontend framing, frontend message decoders and
// backend message builders; checked against byte layouts from protocol-message-formats.html, against the client
// side's own writer and decoders, and end to end against pg::Connection.
#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "edgepg/pg/backend_parser.hpp"
#include "edgepg/pg/connection.hpp"
#include "edgepg/pg/frontend.hpp"
#include "edgepg/pg/server_codec.hpp"
#include "wire_builder.hpp"

using namespace edgepg;
using namespace edgepg::pg;
using edgepg::test::Wire;

namespace {

using Vec = std::vector<std::uint8_t>;

Vec vec(std::string_view s) { return {s.begin(), s.end()}; }
Bytes bytes(const Vec& v) { return {v.data(), v.size()}; }
Bytes bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
std::string str(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
Vec cat(const Vec& a, const Vec& b) {
  Vec out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// A packet without a type byte: int32 length (counting itself), then the body.
Vec packet(const std::string& body) {
  const std::string len = Wire::i32(static_cast<std::int32_t>(body.size() + 4));
  return vec(len + body);
}

Vec startup_bytes(std::vector<std::pair<std::string, std::string>> params) {
  FrontendWriter w;
  w.startup(params);
  return {w.data().begin(), w.data().end()};
}

// One startup packet (the first), with the parser's error when there is none.
StartupStep parse_one(const Vec& in, StartupPacket& out, Status* error = nullptr) {
  StartupParser p;
  REQUIRE(p.feed(bytes(in)));
  const StartupStep step = p.next(out);
  if (error) *error = p.error();
  return step;
}

Status startup_error(const Vec& in) {
  StartupPacket pkt;
  Status s;
  CHECK(parse_one(in, pkt, &s) == StartupStep::error);
  return s;
}

// Every message of a frontend stream as "<type><body>", fed in the chunks the cuts make.
std::vector<std::string> frontend_messages(const Vec& in, const std::vector<std::size_t>& cuts,
                                           std::size_t max = default_max_message_size) {
  FrontendParser p(max);
  std::vector<std::string> out;
  std::size_t at = 0;
  auto drain = [&] {
    RawMessage m;
    while (p.next(m) == ParseStep::message) out.push_back(std::string(1, m.type) + str(m.body));
  };
  for (std::size_t cut : cuts) {
    REQUIRE(p.feed(Bytes(in.data() + at, cut - at)));
    at = cut;
    drain();
  }
  REQUIRE(p.feed(Bytes(in.data() + at, in.size() - at)));
  drain();
  CHECK(p.buffered() == 0);
  return out;
}

// The body of the one message a writer call produced, checked by the client's BackendParser.
RawMessage only_message(const BackendWriter& w) {
  static BackendParser parser;
  parser = BackendParser();
  REQUIRE(parser.feed(w.data()));
  RawMessage m;
  REQUIRE(parser.next(m) == ParseStep::message);
  RawMessage extra;
  CHECK(parser.next(extra) == ParseStep::need_more);
  return m;
}

}  // namespace

// ---- startup packets ----

TEST_CASE("pg server: SSLRequest, GSSENCRequest and CancelRequest by their documented bytes") {
  StartupPacket pkt;
  // protocol-message-formats.html: Int32(8) Int32(80877103) / Int32(80877104).
  CHECK(parse_one({0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}, pkt) == StartupStep::packet);
  CHECK(pkt.kind == StartupKind::ssl_request);
  CHECK(parse_one({0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30}, pkt) == StartupStep::packet);
  CHECK(pkt.kind == StartupKind::gssenc_request);

  FrontendWriter w;
  w.cancel_request(4242, -559038737);  // 0xDEADBEEF
  CHECK(parse_one({w.data().begin(), w.data().end()}, pkt) == StartupStep::packet);
  CHECK(pkt.kind == StartupKind::cancel_request);
  CHECK(pkt.cancel.process_id == 4242);
  CHECK(pkt.cancel.secret_key == Vec{0xDE, 0xAD, 0xBE, 0xEF});

  // Protocol 3.2's longer keys (PostgreSQL 18 sends 32 bytes), up to 256; below 4 or above 256 is refused.
  const std::string pid = Wire::i32(7);
  CHECK(parse_one(packet(Wire::i32(80877102) + pid + std::string(32, 'k')), pkt) == StartupStep::packet);
  CHECK(pkt.cancel.secret_key.size() == 32);
  CHECK(parse_one(packet(Wire::i32(80877102) + pid + std::string(256, 'k')), pkt) == StartupStep::packet);
  CHECK(startup_error(packet(Wire::i32(80877102) + pid + "abc")).code() == ErrorCode::protocol);
  CHECK(startup_error(packet(Wire::i32(80877102) + pid + std::string(257, 'k'))).code() == ErrorCode::protocol);
  CHECK(startup_error(packet(Wire::i32(80877102) + "ab")).code() == ErrorCode::protocol);
}

TEST_CASE("pg server: a StartupMessage's parameters, version and defaults") {
  const Vec in = startup_bytes(
      {{"user", "alice"}, {"database", "shop"}, {"application_name", "psql"}, {"options", "-c search_path=x"}});
  StartupParser p;
  REQUIRE(p.feed(bytes(in)));
  StartupPacket pkt;
  REQUIRE(p.next(pkt) == StartupStep::packet);
  CHECK(pkt.kind == StartupKind::startup);
  CHECK(pkt.startup.minor_version == 0);
  CHECK(pkt.startup.user() == "alice");
  CHECK(pkt.startup.database() == "shop");
  CHECK(pkt.startup.parameter("options") == "-c search_path=x");
  CHECK(pkt.startup.parameter("application_name") == "psql");
  CHECK_FALSE(pkt.startup.parameter("replication"));
  REQUIRE(pkt.startup.parameters.size() == 4);
  CHECK(pkt.startup.parameters[0].first == "user");  // in the order received
  CHECK(pkt.startup.protocol_options.empty());
  CHECK_FALSE(needs_protocol_negotiation(pkt.startup, 0));
  // The startup phase is over: the parser says so and consumes nothing more.
  CHECK(p.next(pkt) == StartupStep::finished);
  CHECK(p.remaining().empty());

  // database defaults to the user name, as PostgreSQL does (also when empty).
  StartupPacket only_user;
  REQUIRE(parse_one(startup_bytes({{"user", "bob"}}), only_user) == StartupStep::packet);
  CHECK(only_user.startup.database() == "bob");
  REQUIRE(parse_one(startup_bytes({{"user", "bob"}, {"database", ""}}), only_user) == StartupStep::packet);
  CHECK(only_user.startup.database() == "bob");
  // An empty value is allowed.
  REQUIRE(parse_one(startup_bytes({{"user", "bob"}, {"options", ""}}), only_user) == StartupStep::packet);
  CHECK(only_user.startup.parameter("options") == "");
}

TEST_CASE("pg server: protocol 3.x minor versions and _pq_ options call for NegotiateProtocolVersion") {
  const std::string params =
      Wire::cstr("user") + Wire::cstr("u") + Wire::cstr("_pq_.compression") + Wire::cstr("on") + std::string(1, '\0');
  StartupPacket pkt;
  REQUIRE(parse_one(packet(Wire::i32((3 << 16) | 2) + params), pkt) == StartupStep::packet);
  CHECK(pkt.startup.minor_version == 2);
  REQUIRE(pkt.startup.protocol_options.size() == 1);
  CHECK(pkt.startup.protocol_options[0].first == "_pq_.compression");
  CHECK_FALSE(pkt.startup.parameter("_pq_.compression"));  // kept apart from the parameters
  CHECK(needs_protocol_negotiation(pkt.startup, 0));
  CHECK(needs_protocol_negotiation(pkt.startup, 2));  // the option alone calls for it

  REQUIRE(parse_one(packet(Wire::i32((3 << 16) | 2) + Wire::cstr("user") + Wire::cstr("u") + std::string(1, '\0')),
                    pkt) == StartupStep::packet);
  CHECK(needs_protocol_negotiation(pkt.startup, 0));
  CHECK_FALSE(needs_protocol_negotiation(pkt.startup, 2));

  // The answer, read back with the client's decoder.
  BackendWriter w;
  const std::array<std::string, 1> unrecognized{"_pq_.compression"};
  REQUIRE(w.negotiate_protocol_version(0, unrecognized));
  const RawMessage m = only_message(w);
  CHECK(m.type == 'v');
  NegotiateProtocolVersion npv;
  REQUIRE(decode_negotiate_protocol_version(m.body, npv));
  CHECK(npv.newest_minor == 0);
  CHECK(npv.unrecognized_options == std::vector<std::string>{"_pq_.compression"});
}

TEST_CASE("pg server: unsupported protocol versions and request codes") {
  const std::string params = Wire::cstr("user") + Wire::cstr("u") + std::string(1, '\0');
  Status s = startup_error(packet(Wire::i32(2 << 16) + params));
  CHECK(s.code() == ErrorCode::unsupported);
  CHECK(s.message().find("2.0") != std::string::npos);
  s = startup_error(packet(Wire::i32((1234 << 16) | 5681)));
  CHECK(s.code() == ErrorCode::unsupported);
  CHECK(s.message().find("1234.5681") != std::string::npos);
}

TEST_CASE("pg server: malformed StartupMessages, each with its reason") {
  const std::string v30 = Wire::i32(196608);
  auto error_of = [&](const std::string& params) { return startup_error(packet(v30 + params)); };

  Status s = error_of(Wire::cstr("user") + Wire::cstr("u"));  // no final terminator
  CHECK(s.code() == ErrorCode::protocol);
  CHECK(s.message().find("terminator") != std::string::npos);
  s = error_of(Wire::cstr("user") + Wire::cstr("u") + std::string(1, '\0') + "x");  // bytes after it
  CHECK(s.message().find("terminator") != std::string::npos);
  s = error_of(Wire::cstr("user") + "u");  // a value without its NUL
  CHECK(s.message().find("\"user\" has no value") != std::string::npos);
  s = error_of(Wire::cstr("user") + Wire::cstr("u") + Wire::cstr("user") + Wire::cstr("s3cr3t-value") +
               std::string(1, '\0'));
  CHECK(s.message().find("\"user\" appears more than once") != std::string::npos);
  CHECK(s.message().find("s3cr3t") == std::string::npos);  // values never reach messages
  s = error_of(Wire::cstr("database") + Wire::cstr("d") + std::string(1, '\0'));
  CHECK(s.message() == "no PostgreSQL user name specified in startup packet");
  s = error_of(Wire::cstr("user") + Wire::cstr("") + std::string(1, '\0'));
  CHECK(s.message() == "no PostgreSQL user name specified in startup packet");
  s = error_of("");  // not even the terminator
  CHECK(s.code() == ErrorCode::protocol);
  // Non-printable bytes of a name are not copied into the message.
  s = error_of(Wire::cstr("a\x01\x7f") + "v");
  CHECK(s.message().find("a??") != std::string::npos);
}

TEST_CASE("pg server: startup lengths are checked before any body is awaited") {
  // PostgreSQL's MAX_STARTUP_PACKET_LENGTH: 10,000 bytes after the length word.
  Status s = startup_error({0, 0, 0x27, 0x15});  // 10005: refused from the length word alone
  CHECK(s.code() == ErrorCode::message_too_large);
  CHECK(s.message().find("10005") != std::string::npos);
  CHECK(startup_error({0, 0, 0, 7, 0, 0, 0}).code() == ErrorCode::protocol);
  CHECK(startup_error({0xff, 0xff, 0xff, 0xff}).code() == ErrorCode::message_too_large);

  // Exactly 10,004 bytes is accepted.
  const std::string head = Wire::i32(196608) + Wire::cstr("user") + Wire::cstr("u") + Wire::cstr("options");
  const std::string body = head + Wire::cstr(std::string(10000 - head.size() - 2, 'o')) + std::string(1, '\0');
  REQUIRE(body.size() == 10000);
  StartupPacket pkt;
  CHECK(parse_one(packet(body), pkt) == StartupStep::packet);

  // A smaller limit of the caller's.
  StartupParser small(64);
  REQUIRE(small.feed(bytes(startup_bytes({{"user", std::string(80, 'u')}}))));
  CHECK(small.next(pkt) == StartupStep::error);
  CHECK(small.error().code() == ErrorCode::message_too_large);
  CHECK(small.feed(bytes(Vec{1})).code() == ErrorCode::message_too_large);  // stays failed

  // Fixed-size requests have their exact length.
  CHECK(startup_error(packet(Wire::i32(80877103) + "xxxx")).code() == ErrorCode::protocol);
  CHECK(startup_error(packet(Wire::i32(80877104) + "x")).code() == ErrorCode::protocol);
}

TEST_CASE("pg server: SSLRequest, then the StartupMessage; pipelined bytes are refused (CVE-2021-23214)") {
  const Vec ssl{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
  const Vec gss{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30};
  const Vec start = startup_bytes({{"user", "u"}});

  // The client waits for 'S'/'N' before sending more: fine.
  StartupParser p;
  StartupPacket pkt;
  REQUIRE(p.feed(bytes(gss)));
  REQUIRE(p.next(pkt) == StartupStep::packet);
  CHECK(pkt.kind == StartupKind::gssenc_request);
  CHECK(p.next(pkt) == StartupStep::need_more);
  REQUIRE(p.feed(bytes(ssl)));
  REQUIRE(p.next(pkt) == StartupStep::packet);
  CHECK(pkt.kind == StartupKind::ssl_request);
  REQUIRE(p.feed(bytes(start)));  // through TLS, or in the clear after 'N'
  REQUIRE(p.next(pkt) == StartupStep::packet);
  CHECK(pkt.kind == StartupKind::startup);

  // Bytes behind the request, before its answer, would bypass TLS: an error, not a packet.
  Status s = startup_error(cat(ssl, start));
  CHECK(s.code() == ErrorCode::protocol);
  CHECK(s.message().find("CVE-2021-23214") != std::string::npos);
  CHECK(startup_error(cat(gss, Vec{0})).message().find("GSSENCRequest") != std::string::npos);

  // Each request at most once.
  StartupParser twice;
  REQUIRE(twice.feed(bytes(ssl)));
  REQUIRE(twice.next(pkt) == StartupStep::packet);
  REQUIRE(twice.feed(bytes(ssl)));
  CHECK(twice.next(pkt) == StartupStep::error);
  CHECK(twice.error().message().find("second SSLRequest") != std::string::npos);
}

TEST_CASE("pg server: direct TLS (a ClientHello first) is recognised without consuming it") {
  const Vec hello{0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
  StartupParser p;
  REQUIRE(p.feed(bytes(hello)));
  StartupPacket pkt;
  REQUIRE(p.next(pkt) == StartupStep::packet);
  CHECK(pkt.kind == StartupKind::direct_tls);
  CHECK(p.take_remaining() == hello);
  CHECK(p.remaining().empty());
  // Inside TLS: no SSLRequest, but the StartupMessage.
  StartupParser q = p;
  REQUIRE(q.feed(bytes(Vec{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f})));
  CHECK(q.next(pkt) == StartupStep::error);
  REQUIRE(p.feed(bytes(startup_bytes({{"user", "u"}}))));
  REQUIRE(p.next(pkt) == StartupStep::packet);
  CHECK(pkt.kind == StartupKind::startup);
  // 0x16 later in a connection is a length byte like any other (here: far too long).
  StartupParser r;
  REQUIRE(r.feed(bytes(Vec{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30})));
  REQUIRE(r.next(pkt) == StartupStep::packet);
  REQUIRE(r.feed(bytes(hello)));
  CHECK(r.next(pkt) == StartupStep::error);
  CHECK(r.error().code() == ErrorCode::message_too_large);
}

TEST_CASE("pg server: the startup phase under a split at every offset, and the bytes that follow it") {
  FrontendWriter w;
  w.startup(std::vector<std::pair<std::string, std::string>>{{"user", "alice"}, {"database", "db"}});
  w.password("hunter2");
  w.query("select 1");
  const Vec in(w.data().begin(), w.data().end());
  const std::size_t startup_size = startup_bytes({{"user", "alice"}, {"database", "db"}}).size();

  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    CAPTURE(cut);
    StartupParser p;
    StartupPacket pkt;
    int packets = 0;
    Vec rest;  // what the frontend parser gets: the parser's leftovers, then every later read
    for (const Bytes part : {Bytes(in.data(), cut), Bytes(in.data() + cut, in.size() - cut)}) {
      if (packets == 1) {
        // Once finished, the startup parser buffers nothing more: later reads go to the frontend parser.
        CHECK(p.feed(part).code() == ErrorCode::invalid_state);
        CHECK(p.error().ok());
        rest.insert(rest.end(), part.begin(), part.end());
        continue;
      }
      REQUIRE(p.feed(part));
      while (p.next(pkt) == StartupStep::packet) ++packets;
      CHECK(p.error().ok());
      if (packets == 1) {
        CHECK(p.next(pkt) == StartupStep::finished);
        rest = p.take_remaining();
      }
    }
    CHECK(packets == 1);
    CHECK(rest == Vec(in.begin() + static_cast<std::ptrdiff_t>(startup_size), in.end()));
    CHECK(frontend_messages(rest, {}) ==
          std::vector<std::string>{"p" + Wire::cstr("hunter2"), "Q" + Wire::cstr("select 1")});
  }
}

// ---- frontend framing ----

namespace {

Vec sample_frontend_stream() {
  FrontendWriter w;
  w.password("tok");
  w.sasl_initial_response("OAUTHBEARER",
                          "n,,\x01"
                          "auth=Bearer abc\x01\x01");
  w.sasl_response("more");
  w.query("select 1; select 2");
  const std::array<std::uint32_t, 2> types{23, 25};
  w.parse("s1", "select $1::int, $2", types);
  const std::array<Param, 2> params{Param{"1"}, std::nullopt};
  w.bind("", "s1", params);
  w.describe('P', "");
  w.execute("", 0);
  w.sync();
  w.flush();
  w.close('S', "s1");
  w.terminate();
  return {w.data().begin(), w.data().end()};
}

}  // namespace

TEST_CASE("pg server: frontend messages come out the same for a split at every offset") {
  const Vec in = sample_frontend_stream();
  const auto whole = frontend_messages(in, {});
  REQUIRE(whole.size() == 12);
  CHECK(whole[0] == "p" + Wire::cstr("tok"));
  CHECK(whole[3][0] == 'Q');
  CHECK(whole.back() == "X");
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    CAPTURE(cut);
    CHECK(frontend_messages(in, {cut}) == whole);
  }
  // Byte by byte, and at two offsets.
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < in.size(); ++i) every.push_back(i);
  CHECK(frontend_messages(in, every) == whole);
  for (std::size_t a = 0; a < in.size(); a += 7) {
    for (std::size_t b = a; b < in.size(); b += 11) CHECK(frontend_messages(in, {a, b}) == whole);
  }
}

TEST_CASE("pg server: frontend framing limits and malformed framing") {
  // A length above the limit is refused from its 5-byte header, before the body arrives.
  FrontendParser p(max_auth_message_size);
  REQUIRE(p.feed(bytes(Vec{'p', 0x00, 0x01, 0x00, 0x04})));  // 65540: a 65536-byte body
  RawMessage m;
  CHECK(p.next(m) == ParseStep::error);
  CHECK(p.error().code() == ErrorCode::message_too_large);
  CHECK(p.error().message().find("65540") != std::string::npos);
  CHECK(p.feed(bytes(Vec{0})).code() == ErrorCode::message_too_large);  // stays failed
  CHECK(p.next(m) == ParseStep::error);

  // Exactly the limit is accepted; the limit may change between messages.
  Vec big{'p', 0x00, 0x01, 0x00, 0x03};
  big.resize(5 + 65535, 'x');
  FrontendParser q(max_auth_message_size);
  REQUIRE(q.feed(bytes(big)));
  REQUIRE(q.next(m) == ParseStep::message);
  CHECK(m.body.size() == 65535);
  q.set_max_message_size(16);
  CHECK(q.max_message_size() == 16);
  REQUIRE(q.feed(bytes(Vec{'Q', 0, 0, 0, 21})));
  CHECK(q.next(m) == ParseStep::error);
  CHECK(q.error().code() == ErrorCode::message_too_large);

  FrontendParser r;
  REQUIRE(r.feed(bytes(Vec{'Q', 0, 0, 0, 3})));
  CHECK(r.next(m) == ParseStep::error);
  CHECK(r.error().code() == ErrorCode::protocol);

  // An unknown type byte is refused at once (PostgreSQL: "invalid frontend message type").
  FrontendParser t;
  REQUIRE(t.feed(bytes(Vec{'Z'})));
  CHECK(t.next(m) == ParseStep::error);
  CHECK(t.error().message() == "invalid frontend message type 0x5a 'Z'");
  FrontendParser u;
  REQUIRE(u.feed(bytes(Vec{0x00, 0, 0, 0, 8})));  // a second startup packet
  CHECK(u.next(m) == ParseStep::error);

  for (char c : std::string("BCdcfDEHFpPQSX")) CHECK(is_frontend_message_type(c));
  for (char c : std::string("RZKTI\0x1", 8)) CHECK_FALSE(is_frontend_message_type(c));
}

// ---- frontend message decoders ----

TEST_CASE("pg server: PasswordMessage") {
  std::string_view pw;  // a view into the body: the bodies below are named so that they outlive it
  const std::string token = Wire::cstr("eyJhbGciOi.x.y");
  REQUIRE(decode_password_message(bytes(token), pw));
  CHECK(pw == "eyJhbGciOi.x.y");
  const std::string empty = Wire::cstr("");
  REQUIRE(decode_password_message(bytes(empty), pw));
  CHECK(pw.empty());
  Status s = decode_password_message(bytes(std::string_view("s3cret")), pw);
  CHECK(s.code() == ErrorCode::protocol);
  CHECK(s.message().find("s3cret") == std::string::npos);
  s = decode_password_message(bytes(Wire::cstr("s3cret") + "tail"), pw);
  CHECK(s.code() == ErrorCode::protocol);
  CHECK(s.message().find("s3cret") == std::string::npos);
  CHECK_FALSE(decode_password_message(Bytes{}, pw));
}

TEST_CASE("pg server: SASLInitialResponse and SASLResponse (OAUTHBEARER's shape)") {
  const std::string gs2 =
      "n,,\x01"
      "auth=Bearer eyJ0.eyJ1.c2ln\x01\x01";  // RFC 7628 §3.1
  FrontendWriter w;
  w.sasl_initial_response("OAUTHBEARER", gs2);
  const Vec in(w.data().begin(), w.data().end());
  const auto msgs = frontend_messages(in, {});
  REQUIRE(msgs.size() == 1);
  SaslInitialResponse r;
  REQUIRE(decode_sasl_initial_response(bytes(std::string_view(msgs[0]).substr(1)), r));
  CHECK(r.mechanism == "OAUTHBEARER");
  REQUIRE(r.data);
  CHECK(str(*r.data) == gs2);

  // Length -1: no initial response.
  const std::string none = Wire::cstr("SCRAM-SHA-256") + Wire::i32(-1);
  REQUIRE(decode_sasl_initial_response(bytes(none), r));
  CHECK(r.mechanism == "SCRAM-SHA-256");
  CHECK_FALSE(r.data);
  // Length 0: an empty one.
  const std::string zero = Wire::cstr("X") + Wire::i32(0);
  REQUIRE(decode_sasl_initial_response(bytes(zero), r));
  REQUIRE(r.data);
  CHECK(r.data->empty());

  CHECK(decode_sasl_initial_response(bytes(Wire::cstr("X") + Wire::i32(-1) + "z"), r).code() == ErrorCode::protocol);
  CHECK(decode_sasl_initial_response(bytes(Wire::cstr("X") + Wire::i32(-2)), r).code() == ErrorCode::protocol);
  CHECK(decode_sasl_initial_response(bytes(Wire::cstr("X") + Wire::i32(5) + "abcd"), r).code() == ErrorCode::protocol);
  CHECK(decode_sasl_initial_response(bytes(Wire::cstr("X") + Wire::i32(3) + "abcd"), r).code() == ErrorCode::protocol);
  CHECK(decode_sasl_initial_response(bytes(Wire::cstr("X") + "ab"), r).code() == ErrorCode::protocol);
  CHECK(decode_sasl_initial_response(bytes(std::string_view("X")), r).code() == ErrorCode::protocol);
  CHECK(decode_sasl_initial_response(bytes(Wire::cstr("") + Wire::i32(-1)), r).code() == ErrorCode::protocol);

  Bytes data;
  REQUIRE(decode_sasl_response(bytes(std::string_view("c=biws,r=abc,p=xyz")), data));
  CHECK(str(data) == "c=biws,r=abc,p=xyz");
}

TEST_CASE("pg server: Query, Parse and Terminate") {
  std::string_view sql;
  const std::string q = Wire::cstr("select 1; select 'é'");
  REQUIRE(decode_query(bytes(q), sql));
  CHECK(sql == "select 1; select 'é'");
  CHECK(decode_query(bytes(std::string_view("select 1")), sql).code() == ErrorCode::protocol);
  CHECK(decode_query(bytes(Wire::cstr("select 1") + "x"), sql).code() == ErrorCode::protocol);

  FrontendWriter w;
  const std::array<std::uint32_t, 3> types{23, 0, 0xFFFFFFFFu};
  w.parse("stmt", "insert into t values ($1, $2, $3)", types);
  const auto msgs = frontend_messages({w.data().begin(), w.data().end()}, {});
  REQUIRE(msgs.size() == 1);
  ParseMessage pm;
  REQUIRE(decode_parse(bytes(std::string_view(msgs[0]).substr(1)), pm));
  CHECK(pm.statement == "stmt");
  CHECK(pm.query == "insert into t values ($1, $2, $3)");
  CHECK(pm.param_types == std::vector<std::uint32_t>{23, 0, 0xFFFFFFFFu});
  const std::string unnamed = Wire::cstr("") + Wire::cstr("select 1") + Wire::i16(0);
  REQUIRE(decode_parse(bytes(unnamed), pm));
  CHECK(pm.statement.empty());
  CHECK(pm.param_types.empty());

  const std::string head = Wire::cstr("") + Wire::cstr("q");
  CHECK(decode_parse(bytes(head + Wire::i16(-1)), pm).code() == ErrorCode::protocol);
  CHECK(decode_parse(bytes(head + Wire::i16(2) + Wire::i32(23)), pm).code() == ErrorCode::protocol);
  CHECK(decode_parse(bytes(head + Wire::i16(1) + Wire::i32(23) + "x"), pm).code() == ErrorCode::protocol);
  // A count of 32767 with no OIDs behind it: refused before anything is allocated.
  CHECK(decode_parse(bytes(head + Wire::i16(32767)), pm).code() == ErrorCode::protocol);
  CHECK(decode_parse(bytes(head), pm).code() == ErrorCode::protocol);
  CHECK(decode_parse(bytes(Wire::cstr("")), pm).code() == ErrorCode::protocol);

  CHECK(decode_terminate(Bytes{}));
  CHECK(decode_terminate(bytes(std::string_view("x"))).code() == ErrorCode::protocol);
}

// ---- backend message builders ----

TEST_CASE("pg server: the one-byte answers and the fixed Authentication messages, byte for byte") {
  BackendWriter w;
  w.ssl_answer(true);
  w.ssl_answer(false);
  w.gssenc_answer(true);
  w.gssenc_answer(false);
  CHECK(str(w.data()) == "SNGN");
  w.clear();
  w.authentication_ok();
  CHECK(Vec(w.data().begin(), w.data().end()) == Vec{'R', 0, 0, 0, 8, 0, 0, 0, 0});
  w.clear();
  w.authentication_cleartext_password();
  CHECK(Vec(w.data().begin(), w.data().end()) == Vec{'R', 0, 0, 0, 8, 0, 0, 0, 3});
  w.clear();
  w.ready_for_query(TransactionStatus::idle);
  CHECK(Vec(w.data().begin(), w.data().end()) == Vec{'Z', 0, 0, 0, 5, 'I'});
  w.clear();
  w.backend_key_data(42, 7);
  CHECK(Vec(w.data().begin(), w.data().end()) == Vec{'K', 0, 0, 0, 12, 0, 0, 0, 42, 0, 0, 0, 7});
}

TEST_CASE("pg server: Authentication SASL messages read back by the client's decoder") {
  BackendWriter w;
  REQUIRE(w.authentication_sasl({"SCRAM-SHA-256", "OAUTHBEARER"}));
  CHECK(str(w.data()) == std::string("R\0\0\0\x23\0\0\0\x0aSCRAM-SHA-256\0OAUTHBEARER\0\0", 36));
  Authentication a;
  REQUIRE(decode_authentication(only_message(w).body, a));
  CHECK(a.request == AuthRequest::sasl);
  CHECK(a.mechanisms == std::vector<std::string>{"SCRAM-SHA-256", "OAUTHBEARER"});

  w.clear();
  REQUIRE(w.authentication_sasl_continue(bytes(std::string_view("{\"status\":\"invalid_token\"}"))));
  REQUIRE(decode_authentication(only_message(w).body, a));
  CHECK(a.request == AuthRequest::sasl_continue);
  CHECK(str(a.data) == "{\"status\":\"invalid_token\"}");
  w.clear();
  REQUIRE(w.authentication_sasl_final(bytes(std::string_view("v=abc"))));
  REQUIRE(decode_authentication(only_message(w).body, a));
  CHECK(a.request == AuthRequest::sasl_final);
  CHECK(str(a.data) == "v=abc");

  // Refused arguments leave the buffer as it was.
  w.clear();
  CHECK(w.authentication_sasl(std::span<const std::string_view>{}).code() == ErrorCode::invalid_argument);
  CHECK(w.authentication_sasl({"SCRAM-SHA-256", ""}).code() == ErrorCode::invalid_argument);
  CHECK(w.authentication_sasl({std::string_view("A\0B", 3)}).code() == ErrorCode::invalid_argument);
  CHECK(w.empty());
}

TEST_CASE("pg server: ErrorResponse and NoticeResponse read back by the client's decoder") {
  BackendWriter w;
  REQUIRE(w.error_response(ErrorSeverity::fatal, {sqlstate::invalid_password, "password authentication failed",
                                                  "the token expired", "get a new token"}));
  RawMessage m = only_message(w);
  CHECK(m.type == 'E');
  ErrorFields f;
  REQUIRE(decode_error_fields(m.body, f));
  CHECK(f.severity == "FATAL");
  CHECK(f.severity_nonlocal == "FATAL");
  CHECK(f.code == "28P01");
  CHECK(f.message == "password authentication failed");
  CHECK(f.detail == "the token expired");
  CHECK(f.hint == "get a new token");

  // Without detail and hint: the fields are left out, byte for byte.
  w.clear();
  REQUIRE(w.error_response(ErrorSeverity::error, {"42501", "permission denied"}));
  CHECK(str(w.data()) == std::string("E\0\0\0\x2dSERROR\0VERROR\0C42501\0Mpermission denied\0\0", 46));
  REQUIRE(decode_error_fields(only_message(w).body, f));
  CHECK(f.detail.empty());
  CHECK(f.hint.empty());

  w.clear();
  REQUIRE(w.notice_response(NoticeSeverity::warning, {"01000", "the gateway restarts soon"}));
  m = only_message(w);
  CHECK(m.type == 'N');
  REQUIRE(decode_error_fields(m.body, f));
  CHECK(f.severity == "WARNING");
  CHECK(f.message == "the gateway restarts soon");

  CHECK(std::string(severity_name(ErrorSeverity::panic)) == "PANIC");
  CHECK(std::string(severity_name(NoticeSeverity::log)) == "LOG");

  w.clear();
  for (const std::string_view bad_state : {"2800", "28p01", "280001", "28 01", ""}) {
    CHECK(w.error_response(ErrorSeverity::fatal, {bad_state, "m"}).code() == ErrorCode::invalid_argument);
  }
  CHECK(w.error_response(ErrorSeverity::fatal, {"28000", ""}).code() == ErrorCode::invalid_argument);
  CHECK(w.error_response(ErrorSeverity::fatal, {"28000", std::string_view("a\0b", 3)}).code() ==
        ErrorCode::invalid_argument);
  CHECK(w.notice_response(NoticeSeverity::info, {"00000", "m", std::string_view("\0", 1)}).code() ==
        ErrorCode::invalid_argument);
  CHECK(w.notice_response(NoticeSeverity::info, {"00000", "m", "", std::string_view("\0", 1)}).code() ==
        ErrorCode::invalid_argument);
  CHECK(w.empty());
}

TEST_CASE("pg server: ParameterStatus, BackendKeyData, ReadyForQuery read back by the client's decoders") {
  BackendWriter w;
  REQUIRE(w.parameter_status("server_version", "18.0 (edgepg-gateway)"));
  ParameterStatus ps;
  REQUIRE(decode_parameter_status(only_message(w).body, ps));
  CHECK(ps.name == "server_version");
  CHECK(ps.value == "18.0 (edgepg-gateway)");
  w.clear();
  REQUIRE(w.parameter_status("application_name", ""));
  CHECK(w.parameter_status("", "x").code() == ErrorCode::invalid_argument);
  CHECK(w.parameter_status("a", std::string_view("\0", 1)).code() == ErrorCode::invalid_argument);

  w.clear();
  w.backend_key_data(-1, -2);
  BackendKeyData kd;
  REQUIRE(decode_backend_key_data(only_message(w).body, kd));
  CHECK(kd.process_id == -1);
  CHECK(kd.secret_key == -2);

  w.clear();
  const Vec key32(32, 0xAB);
  REQUIRE(w.backend_key_data(99, bytes(key32)));
  const RawMessage m = only_message(w);
  CHECK(m.type == 'K');
  CHECK(m.body.size() == 36);
  CHECK(w.backend_key_data(99, bytes(Vec(3, 1))).code() == ErrorCode::invalid_argument);
  CHECK(w.backend_key_data(99, bytes(Vec(257, 1))).code() == ErrorCode::invalid_argument);

  for (const auto ts : {TransactionStatus::idle, TransactionStatus::in_transaction, TransactionStatus::failed}) {
    w.clear();
    w.ready_for_query(ts);
    TransactionStatus got{};
    REQUIRE(decode_ready_for_query(only_message(w).body, got));
    CHECK(got == ts);
  }

  w.clear();
  const std::array<std::string, 2> bad_names{"_pq_.a", ""};
  CHECK(w.negotiate_protocol_version(2, bad_names).code() == ErrorCode::invalid_argument);
  CHECK(w.empty());
  REQUIRE(w.negotiate_protocol_version(2, std::span<const std::string>{}));
  NegotiateProtocolVersion npv;
  REQUIRE(decode_negotiate_protocol_version(only_message(w).body, npv));
  CHECK(npv.newest_minor == 2);
  CHECK(npv.unrecognized_options.empty());
}

// ---- end to end: the client's own Connection against the server role ----

namespace {

struct Recorder : EventSink {
  bool password_needed = false;
  bool authenticated = false;
  bool ready = false;
  std::vector<ErrorFields> errors;
  void on_password_needed() override { password_needed = true; }
  void on_authenticated() override { authenticated = true; }
  void on_ready(TransactionStatus) override { ready = true; }
  void on_error(const ErrorFields& f, bool) override { errors.push_back(f); }
};

}  // namespace

TEST_CASE("pg server: pg::Connection logs in against StartupParser, FrontendParser and BackendWriter") {
  Recorder sink;
  ConnectionOptions o;
  o.user = "alice";
  o.database = "shop";
  o.application_name = "e2e";
  o.auth_policy = AuthPolicy::any();
  Connection client(o, sink);
  REQUIRE(client.start());

  // Server: the StartupMessage.
  StartupParser sp;
  REQUIRE(sp.feed(client.output()));
  client.clear_output();
  StartupPacket pkt;
  REQUIRE(sp.next(pkt) == StartupStep::packet);
  REQUIRE(pkt.kind == StartupKind::startup);
  CHECK(pkt.startup.user() == "alice");
  CHECK(pkt.startup.database() == "shop");
  CHECK(pkt.startup.parameter("application_name") == "e2e");

  BackendWriter w;
  w.authentication_cleartext_password();
  REQUIRE(client.receive(w.data()));
  w.clear();
  CHECK(sink.password_needed);
  REQUIRE(client.provide_password("jwt.token.here"));

  FrontendParser fp(max_auth_message_size);
  REQUIRE(fp.feed(bytes(sp.take_remaining())));
  REQUIRE(fp.feed(client.output()));
  client.clear_output();
  RawMessage m;
  REQUIRE(fp.next(m) == ParseStep::message);
  CHECK(m.type == frontend::password);
  std::string_view token;
  REQUIRE(decode_password_message(m.body, token));
  CHECK(token == "jwt.token.here");

  w.authentication_ok();
  REQUIRE(w.parameter_status("server_version", "18.0"));
  w.backend_key_data(7, 8);
  w.ready_for_query(TransactionStatus::idle);
  REQUIRE(client.receive(w.data()));
  w.clear();
  CHECK(sink.authenticated);
  CHECK(sink.ready);
  CHECK(client.phase() == Phase::ready);
  CHECK(client.server_parameters().at("server_version") == "18.0");
  REQUIRE(client.backend_key_data());
  CHECK(client.backend_key_data()->secret_key == 8);

  // A query for the audit log, then Terminate.
  REQUIRE(client.query("select now()"));
  client.terminate();
  fp.set_max_message_size(default_max_message_size);
  REQUIRE(fp.feed(client.output()));
  REQUIRE(fp.next(m) == ParseStep::message);
  REQUIRE(m.type == frontend::query);
  std::string_view sql;
  REQUIRE(decode_query(m.body, sql));
  CHECK(sql == "select now()");
  REQUIRE(fp.next(m) == ParseStep::message);
  CHECK(m.type == frontend::terminate);
  CHECK(decode_terminate(m.body));
}

TEST_CASE("pg server: a FATAL ErrorResponse reaches pg::Connection as a startup failure") {
  Recorder sink;
  ConnectionOptions o;
  o.user = "mallory";
  Connection client(o, sink);
  REQUIRE(client.start());
  client.clear_output();
  BackendWriter w;
  REQUIRE(w.error_response(ErrorSeverity::fatal, {sqlstate::invalid_authorization_specification,
                                                  "role \"mallory\" is not permitted", "", "ask an admin"}));
  (void)client.receive(w.data());
  REQUIRE(sink.errors.size() == 1);
  CHECK(sink.errors[0].code == "28000");
  CHECK(sink.errors[0].hint == "ask an admin");
  CHECK(client.phase() == Phase::failed);
}
