#include "backend_chat.hpp"

#include <array>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

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

// Sends `request`, reads until ReadyForQuery. Throws UpstreamError on an ErrorResponse, a broken stream, a status
// other than idle, or the deadline (which closes the socket).
asio::awaitable<void> exchange(Upstream& up, std::span<const std::uint8_t> request, std::chrono::milliseconds timeout,
                               const char* what) {
  asio::steady_timer deadline(up.transport.socket().get_executor(), timeout);
  deadline.async_wait([&up](asio::error_code ec) {
    if (!ec) up.transport.socket().close(ec);
  });
  const bool sent = co_await up.transport.write_all(request);
  if (!sent) throw UpstreamError("08006", std::string("the pooled backend did not take the ") + what);
  pg::BackendParser parser;
  std::array<std::uint8_t, 8192> buf{};
  std::optional<pg::ErrorFields> error;
  for (;;) {
    pg::RawMessage m;
    const auto step = parser.next(m);
    if (step == pg::ParseStep::error)
      throw UpstreamError("08P01", std::string("the pooled backend broke the protocol"));
    if (step == pg::ParseStep::message) {
      if (m.type == 'E') {
        pg::ErrorFields e;
        (void)pg::decode_error_fields(m.body, e);
        error = std::move(e);
      } else if (m.type == 'S') {
        pg::ParameterStatus p;
        if (pg::decode_parameter_status(m.body, p).ok()) set_parameter(up, p.name, p.value);
      } else if (m.type == 'Z') {
        pg::TransactionStatus status{};
        const bool idle = pg::decode_ready_for_query(m.body, status).ok() && status == pg::TransactionStatus::idle;
        deadline.cancel();
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

asio::awaitable<void> reset_backend(Upstream& up, std::chrono::milliseconds timeout) {
  pg::FrontendWriter w;
  w.query("DISCARD ALL");
  co_await exchange(up, w.data(), timeout, "reset");
}

asio::awaitable<void> apply_settings(Upstream& up, const std::vector<std::pair<std::string, std::string>>& settings,
                                     std::chrono::milliseconds timeout) {
  if (settings.empty()) co_return;
  std::string sql = "select ";
  std::vector<pg::Param> params;
  for (std::size_t i = 0; i < settings.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += "set_config($" + std::to_string(2 * i + 1) + ", $" + std::to_string(2 * i + 2) + ", false)";
    params.emplace_back(settings[i].first);
    params.emplace_back(settings[i].second);
  }
  pg::FrontendWriter w;
  w.parse("", sql, {});
  w.bind("", "", params);
  w.execute("", 0);
  w.sync();
  co_await exchange(up, w.data(), timeout, "settings");
}

}  // namespace edgepg::gateway
