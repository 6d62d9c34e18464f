#include "backend_chat.hpp"

#include <algorithm>
#include <array>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cctype>

#include "edgepg/pg/backend_parser.hpp"
#include "edgepg/pg/frontend.hpp"
#include "edgepg/pg/messages.hpp"

namespace edgepg::gateway {
namespace {

using asio::use_awaitable;
using asio::experimental::as_tuple;

void set_parameter(Upstream& up, const std::string& name, const std::string& value) {
  for (auto& [n, v] : up.parameters) {
    if (n == name) {
      v = value;
      return;
    }
  }
  up.parameters.emplace_back(name, value);
}

// A parameter the server reports (names compare without case, as the server's do), shown with `value`.
void show_parameter(Upstream& up, const std::string& name, const std::string& value) {
  const auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  for (auto& [reported, shown] : up.parameters) {
    if (std::equal(name.begin(), name.end(), reported.begin(), reported.end(), same)) shown = value;
  }
}

// Where an exchange ends: at ReadyForQuery, or (commands > 0) at that many CommandCompletes, the bytes read after
// them going into `rest` (the answers to what was pipelined behind the request).
struct Until {
  int commands = 0;
  std::vector<std::uint8_t>* rest = nullptr;
  int ready = 1;  // without commands: the ReadyForQuery messages the request asks for (one per Query or Sync)
  // An error answered after this many ReadyForQuery messages is not thrown but reported here (the request's optional
  // part failed; the backend is idle again at its end).
  bool* later_failed = nullptr;
  int required = 1;
};

// Sends `request`, reads until `until`; `first_cell`, when given, gets the first column of the first DataRow.
// Throws UpstreamError on an ErrorResponse, a broken stream, a status other than idle, or the deadline (which
// closes the socket).
asio::awaitable<void> exchange(Upstream& up, std::span<const std::uint8_t> request, std::chrono::milliseconds timeout,
                               const char* what, std::optional<std::string>* first_cell = nullptr, Until until = {}) {
  asio::steady_timer deadline(up.transport.socket().get_executor(), timeout);
  deadline.async_wait([&up](asio::error_code ec) {
    if (!ec) up.transport.socket().close(ec);
  });
  const bool sent = co_await up.transport.write_all(request);
  if (!sent) throw UpstreamError("08006", std::string("the pooled backend did not take the ") + what);
  pg::BackendParser parser;
  std::array<std::uint8_t, 8192> buf{};
  std::optional<pg::ErrorFields> error;
  bool error_optional = false;  // it came after until.required ReadyForQuery messages (until.later_failed)
  int commands = 0;
  int readies = 0;
  for (;;) {
    pg::RawMessage m;
    const auto step = parser.next(m);
    if (step == pg::ParseStep::error)
      throw UpstreamError("08P01", std::string("the pooled backend broke the protocol"));
    if (step == pg::ParseStep::message) {
      if (m.type == 'E') {
        pg::ErrorFields e;
        (void)pg::decode_error_fields(m.body, e);
        // Pipelined: no ReadyForQuery follows before a Sync the gateway did not send.
        if (until.commands > 0) {
          deadline.cancel();
          throw UpstreamError(e.code, e.message);
        }
        if (!error) {
          error_optional = until.later_failed != nullptr && readies >= until.required;
          error = std::move(e);
        }
      } else if (m.type == 'C' && until.commands > 0) {
        if (++commands == until.commands) {
          deadline.cancel();
          const auto rest = parser.unparsed();
          until.rest->assign(rest.begin(), rest.end());
          co_return;
        }
      } else if (m.type == 'D' && first_cell && !*first_cell) {
        pg::DataRowReader row;
        std::optional<pg::Bytes> cell;
        if (pg::DataRowReader::open(m.body, row).ok() && row.columns() > 0 && row.next(cell).ok() && cell) {
          first_cell->emplace(cell->begin(), cell->end());
        }
      } else if (m.type == 'S') {
        pg::ParameterStatus p;
        if (pg::decode_parameter_status(m.body, p).ok()) set_parameter(up, p.name, p.value);
      } else if (m.type == 'Z') {
        if (until.commands > 0) throw UpstreamError("08P01", std::string("the pooled backend broke the protocol"));
        pg::TransactionStatus status{};
        const bool idle = pg::decode_ready_for_query(m.body, status).ok() && status == pg::TransactionStatus::idle;
        ++readies;
        if (idle && --until.ready > 0) continue;
        deadline.cancel();
        if (error && error_optional && idle) {
          *until.later_failed = true;
          co_return;
        }
        if (error) throw UpstreamError(error->code, error->message);
        if (!idle) throw UpstreamError("08006", std::string("the pooled backend is not idle after the ") + what);
        co_return;
      }
      continue;
    }
    const std::size_t n = co_await up.transport.read_some(buf);
    if (n == 0) throw UpstreamError("08006", std::string("the pooled backend closed during the ") + what);
    (void)parser.feed({buf.data(), n});
  }
}

}  // namespace

namespace {

// The name of begin_holder's statement, parsed ahead by the reset (reset_backend) and closed by its one use.
constexpr const char* kHolderStatement = "edgepg_holder";

// begin_holder's statement for `settings` settings: its claims row, then the settings as set_config($4, $5, false),
// ... No armed row (begin_session returns null) fails it: the cast of the CASE's text, evaluated per row (never
// folded: s is not a constant), raises 22P02 with kUnarmed in its message.
std::string holder_sql(std::size_t settings) {
  std::string sql = std::string("select s, (case when s is null then '") + kUnarmed + "' end)::int";
  for (std::size_t k = 0; k < settings; ++k) {
    const std::size_t name = 4 + 2 * k;
    sql += ", set_config($" + std::to_string(name) + ", $" + std::to_string(name + 1) + ", false)";
  }
  sql += " from edgepg.begin_session($1, $2, $3::jsonb) s";
  return sql;
}

}  // namespace

asio::awaitable<void> reset_backend(Upstream& up, std::chrono::milliseconds timeout,
                                    std::optional<std::size_t> holder_settings) {
  up.holder_prepared.reset();
  pg::FrontendWriter w;
  w.query("DISCARD ALL");
  Until until;
  bool parse_failed = false;
  if (holder_settings) {
    w.parse(kHolderStatement, holder_sql(*holder_settings), {});
    w.sync();
    until.ready = 2;
    until.later_failed = &parse_failed;  // e.g. a schema without begin_session: the reset stands, nothing prepared
  }
  co_await exchange(up, w.data(), timeout, "reset", nullptr, until);
  if (!parse_failed) up.holder_prepared = holder_settings;
}

namespace {

// "select <first>, set_config($k, $k+1, false), ..." with the settings' names and values as parameters after
// `params`' own (nothing spliced into SQL).
void add_settings(std::string& sql, std::vector<pg::Param>& params,
                  const std::vector<std::pair<std::string, std::string>>& settings) {
  for (const auto& [name, value] : settings) {
    if (!params.empty()) sql += ", ";
    sql += "set_config($" + std::to_string(params.size() + 1) + ", $" + std::to_string(params.size() + 2) + ", false)";
    params.emplace_back(name);
    params.emplace_back(value);
  }
}

void unnamed_statement(pg::FrontendWriter& w, std::string_view sql, std::span<const pg::Param> params = {}) {
  w.parse("", sql, {});
  w.bind("", "", params);
  w.execute("", 0);
}

// "select set_config(...), ..." for the settings ("select 1" without any), their names and values in `params`.
std::string settings_statement(const std::vector<std::pair<std::string, std::string>>& settings,
                               std::vector<pg::Param>& params) {
  std::string sql = settings.empty() ? "select 1" : "select ";
  add_settings(sql, params, settings);
  return sql;
}

std::vector<std::uint8_t> one_statement(const std::string& sql, const std::vector<pg::Param>& params) {
  pg::FrontendWriter w;
  unnamed_statement(w, sql, params);
  w.sync();
  const auto bytes = w.data();
  return {bytes.begin(), bytes.end()};
}

// `begin`, one statement, COMMIT: unnamed statements, no Sync.
std::vector<std::uint8_t> in_transaction(std::string_view begin, const std::string& sql,
                                         const std::vector<pg::Param>& params) {
  pg::FrontendWriter w;
  unnamed_statement(w, begin);
  unnamed_statement(w, sql, params);
  unnamed_statement(w, "COMMIT");
  const auto bytes = w.data();
  return {bytes.begin(), bytes.end()};
}

std::vector<pg::Param> holder_params(const Identity& who) {
  std::vector<pg::Param> params;
  params.emplace_back(who.sub.empty() ? pg::Param{} : pg::Param(who.sub));
  params.emplace_back(who.iss.empty() ? pg::Param{} : pg::Param(who.iss));
  params.emplace_back(who.claims_json);
  return params;
}

}  // namespace

asio::awaitable<void> forget_holder_statement(Upstream& up, std::chrono::milliseconds timeout) {
  if (!up.holder_prepared) co_return;
  pg::FrontendWriter w;
  w.close('S', kHolderStatement);
  w.sync();
  co_await exchange(up, w.data(), timeout, "statement's close");
  up.holder_prepared.reset();
}

asio::awaitable<void> apply_settings(Upstream& up, const std::vector<std::pair<std::string, std::string>>& settings,
                                     std::chrono::milliseconds timeout) {
  if (settings.empty()) co_return;
  std::vector<pg::Param> params;
  const std::string sql = settings_statement(settings, params);
  const auto request = one_statement(sql, params);
  co_await exchange(up, request, timeout, "settings");
}

namespace {

// The holder's transaction: BEGIN READ WRITE (whatever the role's default: the holder's own transactions keep it),
// its claims row (edgepg.begin_session) and settings in one statement (holder_sql), COMMIT; no Sync. The statement
// is the one the reset parsed ahead when it has as many settings, else an unnamed one parsed here; the one parsed
// ahead is closed either way, so the holder never sees it.
std::vector<std::uint8_t> holder_transaction(Upstream& up, const Identity& who,
                                             const std::vector<std::pair<std::string, std::string>>& settings) {
  std::vector<pg::Param> params = holder_params(who);
  for (const auto& [name, value] : settings) {
    params.emplace_back(name);
    params.emplace_back(value);
  }
  pg::FrontendWriter w;
  unnamed_statement(w, "BEGIN READ WRITE");
  if (up.holder_prepared == settings.size()) {
    w.bind("", kHolderStatement, params);
    w.execute("", 0);
  } else {
    unnamed_statement(w, holder_sql(settings.size()), params);
  }
  if (up.holder_prepared) w.close('S', kHolderStatement);  // used or not: the holder never sees it
  up.holder_prepared.reset();
  unnamed_statement(w, "COMMIT");
  const auto bytes = w.data();
  return {bytes.begin(), bytes.end()};
}

// Sends the gateway's transaction with the client's first messages behind it and reads until its COMMIT is done
// (three CommandCompletes: BEGIN, the statement, COMMIT); the bytes read after it go into `answered`.
asio::awaitable<void> pipelined_exchange(Upstream& up, std::vector<std::uint8_t> request,
                                         std::span<const std::uint8_t> early, std::vector<std::uint8_t>& answered,
                                         std::chrono::milliseconds timeout, const char* what,
                                         std::optional<std::string>* first_cell) {
  request.insert(request.end(), early.begin(), early.end());
  co_await exchange(up, request, timeout, what, first_cell, Until{3, &answered});
}

std::string started_or_throw(std::optional<std::string> started) {
  if (!started) throw UpstreamError("08P01", "the pooled backend did not return its session's start");
  return std::move(*started);
}

}  // namespace

asio::awaitable<std::string> begin_holder(Upstream& up, const Identity& who,
                                          const std::vector<std::pair<std::string, std::string>>& settings,
                                          std::chrono::milliseconds timeout) {
  std::vector<std::uint8_t> request = holder_transaction(up, who, settings);
  pg::FrontendWriter sync;
  sync.sync();
  request.insert(request.end(), sync.data().begin(), sync.data().end());
  std::optional<std::string> started;
  co_await exchange(up, request, timeout, "claims", &started);
  co_return started_or_throw(std::move(started));
}

asio::awaitable<std::string> begin_holder_pipelined(Upstream& up, const Identity& who,
                                                    const std::vector<std::pair<std::string, std::string>>& settings,
                                                    std::span<const std::uint8_t> early,
                                                    std::vector<std::uint8_t>& answered,
                                                    std::chrono::milliseconds timeout) {
  std::optional<std::string> started;
  std::vector<std::uint8_t> request = holder_transaction(up, who, settings);  // named: see docs/GATEWAY.md on GCC 12
  co_await pipelined_exchange(up, std::move(request), early, answered, timeout, "claims", &started);
  // The greeting shows the holder's values of the parameters the server reports: its own reports of them (its
  // spelling) come only before the next ReadyForQuery, the first query's.
  for (const auto& [name, value] : settings) show_parameter(up, name, value);
  co_return started_or_throw(std::move(started));
}

asio::awaitable<void> apply_settings_pipelined(Upstream& up,
                                               const std::vector<std::pair<std::string, std::string>>& settings,
                                               std::span<const std::uint8_t> early, std::vector<std::uint8_t>& answered,
                                               std::chrono::milliseconds timeout) {
  std::vector<pg::Param> params;
  const std::string sql = settings_statement(settings, params);
  std::vector<std::uint8_t> request = in_transaction("BEGIN", sql, params);  // named: see docs/GATEWAY.md on GCC 12
  co_await pipelined_exchange(up, std::move(request), early, answered, timeout, "settings", nullptr);
  for (const auto& [name, value] : settings) show_parameter(up, name, value);
}

}  // namespace edgepg::gateway
