#include "edgepg/pg/frontend.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace edgepg::pg;

namespace {
std::string text(const FrontendWriter& w) {
  return std::string(reinterpret_cast<const char*>(w.data().data()), w.data().size());
}
std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
using namespace std::string_literals;
}  // namespace

TEST_CASE("StartupMessage: protocol 3.0 and parameters") {
  FrontendWriter w;
  std::pair<std::string, std::string> params[] = {{"user", "alice"}, {"database", "db"}};
  w.startup(params);
  const std::string body = be32(196608) + "user\0alice\0database\0db\0\0"s;
  CHECK(text(w) == be32(static_cast<std::uint32_t>(body.size() + 4)) + body);
}

TEST_CASE("Query, Sync, Terminate") {
  FrontendWriter w;
  w.query("select 1");
  w.sync();
  w.terminate();
  CHECK(text(w) == "Q"s + be32(13) + "select 1\0"s + "S"s + be32(4) + "X"s + be32(4));
}

TEST_CASE("extended query messages") {
  FrontendWriter w;
  const std::uint32_t types[] = {23};
  w.parse("", "select $1", types);
  CHECK(text(w) == "P"s + be32(4 + 1 + 10 + 2 + 4) + "\0select $1\0"s + "\0\1"s + be32(23));
  w.clear();
  const Param params[] = {Param("42"), Param(std::nullopt)};
  w.bind("", "", params);
  CHECK(text(w) == "B"s + be32(4 + 1 + 1 + 2 + 2 + 4 + 2 + 4 + 2) + "\0\0"s + "\0\0"s + "\0\2"s + be32(2) + "42" +
                       be32(0xFFFFFFFF) + "\0\0"s);
  w.clear();
  w.describe('P', "");
  w.execute("", 0);
  CHECK(text(w) == "D"s + be32(6) + "P\0"s + "E"s + be32(9) + "\0"s + be32(0));
}

TEST_CASE("Bind with per-parameter formats: text and binary") {
  FrontendWriter w;
  const Param params[] = {Param("ab"), Param(std::string_view("\0\xff", 2)), Param(std::nullopt)};
  const std::int16_t formats[] = {0, 1, 0};
  w.bind("", "stmt", params, formats);
  CHECK(text(w) == "B"s + be32(4 + 1 + 5 + 2 + 6 + 2 + (4 + 2) + (4 + 2) + 4 + 2) + "\0stmt\0"s + "\0\3"s +
                       "\0\0\0\1\0\0"s + "\0\3"s + be32(2) + "ab" + be32(2) + "\0\xff"s + be32(0xFFFFFFFF) + "\0\0"s);
}

TEST_CASE("SASL messages") {
  FrontendWriter w;
  w.sasl_initial_response("SCRAM-SHA-256", "n,,n=,r=abc");
  CHECK(text(w) == "p"s + be32(4 + 14 + 4 + 11) + "SCRAM-SHA-256\0"s + be32(11) + "n,,n=,r=abc");
  w.wipe();
  CHECK(w.empty());
}

TEST_CASE("CancelRequest and SSLRequest") {
  FrontendWriter w;
  w.cancel_request(1234, -2);
  CHECK(text(w) == be32(16) + be32(80877102) + be32(1234) + be32(0xFFFFFFFE));
  w.clear();
  w.ssl_request();
  CHECK(text(w) == be32(8) + be32(80877103));
}
