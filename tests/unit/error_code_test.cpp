// The one error registry (edgepg/error_code.hpp): every code has a stable user-facing name, the names users see are
// exactly this list, the WebSocket rules are one block, and Status and edgepg::Error carry the codes unchanged.
// tests/js/error-codes.test.js holds the README table and the TypeScript union to the same names.
#include "edgepg/error_code.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>

#include "edgepg/error.hpp"
#include "edgepg/status.hpp"
#include "edgepg/ws/frame.hpp"

using namespace edgepg;

namespace {
ErrorCode code_at(std::size_t i) { return static_cast<ErrorCode>(i); }
}  // namespace

TEST_CASE("error registry: every code has a name users can branch on, and the names are this list") {
  const std::regex shape("OK|SQLSTATE|E[A-Z]+|ERR_(JWT|JWKS)_[A-Z_]+");
  std::set<std::string> names;
  for (std::size_t i = 0; i < error_code_count; ++i) {
    const std::string name = error_name(code_at(i));
    CAPTURE(i);
    CHECK(std::regex_match(name, shape));
    names.insert(name);
  }
  // The names users already see: renaming one breaks users (README.md "Error codes", wasm/types/index.d.ts).
  const std::set<std::string> expected = {
      "OK",
      "EPROTO",
      "EAUTH",
      "EINVAL",
      "ECONNCLOSED",
      "ERR_JWT_MALFORMED",
      "ERR_JWT_ALG",
      "ERR_JWT_SIGNATURE",
      "ERR_JWT_EXPIRED",
      "ERR_JWT_NOT_YET_VALID",
      "ERR_JWT_CLAIM",
      "ERR_JWT_ROLE_NOT_ALLOWED",
      "ERR_JWKS_NO_KEY",
      "ERR_JWKS_INVALID",
      "EWEBSOCKET",
      "ECONNREFUSED",
      "ENOTFOUND",
      "ETIMEDOUT",
      "ECONNRESET",
      "ETLS",
      "ECERT",
      "EHTTP",
      "ECREDENTIALS",
      "EROLLBACK",
      "ETYPE",
      "SQLSTATE",
  };
  CHECK(names == expected);
  CHECK(std::string(error_name(ErrorCode::ok)) == "OK");
  CHECK(std::string(error_name(ErrorCode::protocol)) == "EPROTO");
  CHECK(std::string(error_name(ErrorCode::message_too_large)) == "EPROTO");
  CHECK(std::string(error_name(ErrorCode::unsupported)) == "EPROTO");
  CHECK(std::string(error_name(ErrorCode::invalid_state)) == "EINVAL");
  CHECK(std::string(error_name(ErrorCode::closed)) == "ECONNCLOSED");
  CHECK(std::string(error_name(ErrorCode::connection_refused)) == "ECONNREFUSED");
  CHECK(std::string(error_name(ErrorCode::host_not_found)) == "ENOTFOUND");
  CHECK(std::string(error_name(ErrorCode::certificate)) == "ECERT");
  CHECK(std::string(error_name(code_at(error_code_count))) == "EPROTO");  // not a code: never an unlisted name
}

TEST_CASE("error registry: the WebSocket rules are one block, each with its rule name, words and Close code") {
  std::size_t rules = 0;
  for (std::size_t i = 0; i < error_code_count; ++i) {
    const ErrorCode c = code_at(i);
    CAPTURE(i);
    if (!is_ws_error(c)) {
      CHECK(ws::ws_error_close_code(c) == 0);
      continue;
    }
    ++rules;
    CHECK(std::string(error_name(c)) == "EWEBSOCKET");
    CHECK(std::string(ws::ws_error_name(c)) != "unknown");
    CHECK(std::string(ws::ws_error_message(c)) != "unknown WebSocket error");
  }
  CHECK(rules == 25);
  CHECK(std::string(ws::ws_error_name(ErrorCode::ws_text_refused)) == "text_refused");  // a Close reason on the wire
  CHECK(ws::ws_error_close_code(ErrorCode::ws_message_too_big) == ws::close_code::too_big);
  CHECK(ws::ws_error_close_code(ErrorCode::ws_bad_accept) == 0);  // a handshake rule: no connection to close yet
  CHECK_FALSE(is_ws_error(ErrorCode::websocket));                 // the native transport's own code
}

TEST_CASE("error registry: Status and edgepg::Error carry the code and its name") {
  const Status s(ErrorCode::jwt_expired, "the token expired");
  CHECK_FALSE(s.ok());
  CHECK(std::string(s.name()) == "ERR_JWT_EXPIRED");
  CHECK(std::string(Status::success().name()) == "OK");

  const Error e(s);
  CHECK(e.code() == "ERR_JWT_EXPIRED");
  CHECK(e.error_code() == ErrorCode::jwt_expired);
  CHECK(e.message() == "the token expired");
  CHECK(std::string(e.what()) == "the token expired [ERR_JWT_EXPIRED]");
  CHECK_FALSE(e.from_server());

  const Error t(ErrorCode::timed_out, "connecting timed out");
  CHECK(t.code() == "ETIMEDOUT");
  CHECK(t.error_code() == ErrorCode::timed_out);

  pg::ErrorFields f;
  f.code = "23505";
  f.message = "duplicate key value violates unique constraint";
  const Error server(f);
  CHECK(server.code() == "23505");
  CHECK(server.error_code() == ErrorCode::server);
  CHECK(server.from_server());
  CHECK(std::string(server.what()) == "duplicate key value violates unique constraint [23505]");
}
