#include "upstream.hpp"

#include <array>
#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <optional>

namespace edgepg::gateway {
namespace {

using asio::use_awaitable;
using asio::experimental::as_tuple;
using namespace asio::experimental::awaitable_operators;

}  // namespace

asio::awaitable<Upstream> login_upstream(const UpstreamConfig& config, UpstreamRequest request) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex, request.timeout);
  const auto timeout = request.timeout;
  // Asio's || waits for the first *success*: a failed login must complete normally (with its error), or the timer
  // would win and hide it. (A struct, not a variant: || flattens variants into its own.)
  struct Outcome {
    std::optional<Upstream> upstream;
    std::optional<UpstreamError> error;
  };
  auto attempt = [&config](LoginRequest r) -> asio::awaitable<Outcome> {
    Outcome out;  // plain statements around co_await: GCC 12 miscompiles co_await inside braced initializers
    try {
      PgClient client;
      co_await client.login(config, std::move(r));
      const auto parameters = client.parameters();
      const auto pid = client.process_id();
      const auto key = client.secret_key();
      out.upstream.emplace(Upstream{client.release_transport(), parameters, pid, key, false, std::nullopt});
    } catch (const UpstreamError& e) {
      out.error = e;
    }
    co_return out;
  };
  auto result = co_await (attempt(std::move(request.login)) || timer.async_wait(use_awaitable));
  if (result.index() == 1) {
    throw UpstreamError("08006", "the database did not complete the login within " + std::to_string(timeout.count()) +
                                     " ms; try again later");
  }
  auto& outcome = std::get<0>(result);
  if (outcome.error) throw *outcome.error;
  co_return std::move(*outcome.upstream);
}

asio::awaitable<void> cancel_upstream(const UpstreamConfig& config, std::int32_t process_id, std::int32_t secret_key) {
  auto ex = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(ex);
  auto [rerr, endpoints] =
      co_await resolver.async_resolve(config.host, std::to_string(config.port), as_tuple(use_awaitable));
  if (rerr) co_return;
  asio::ip::tcp::socket socket(ex);
  auto [cerr, ep] = co_await asio::async_connect(socket, endpoints, as_tuple(use_awaitable));
  if (cerr) co_return;
  {
    std::array<std::uint8_t, 16> msg{};
    const auto put = [&](std::size_t at, std::uint32_t v) {
      for (std::size_t i = 0; i < 4; ++i) msg[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
    };
    put(0, 16);
    put(4, 80877102);
    put(8, static_cast<std::uint32_t>(process_id));
    put(12, static_cast<std::uint32_t>(secret_key));
    co_await asio::async_write(socket, asio::buffer(msg), as_tuple(use_awaitable));
  }
}

std::string startup_setting(const std::string& name, const std::string& value) {
  std::string out = "-c " + name + "=";
  for (char c : value) {
    if (c == ' ' || c == '\\' || c == '\t' || c == '\n' || c == '\r') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace edgepg::gateway
