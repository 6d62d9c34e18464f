#include "upstream.hpp"

#include <array>
#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <optional>
#include <random>

#include "edgepg/pg/connection.hpp"

namespace edgepg::gateway {
namespace {

using asio::use_awaitable;
using asio::experimental::as_tuple;
using namespace asio::experimental::awaitable_operators;

std::string nonce() {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::random_device rd;
  std::string out(24, 'A');
  for (auto& c : out) c = alphabet[rd() % 64];
  return out;
}

// Collects what the client must see of the login, and its end.
struct LoginSink final : pg::EventSink {
  std::vector<std::pair<std::string, std::string>> parameters;
  pg::BackendKeyData key{};
  bool ready = false;
  std::string error_code, error_message;
  void on_parameter_status(const pg::ParameterStatus& p) override { parameters.emplace_back(p.name, p.value); }
  void on_backend_key_data(const pg::BackendKeyData& k) override { key = k; }
  void on_ready(pg::TransactionStatus) override { ready = true; }
  void on_error(const pg::ErrorFields& e, bool) override {
    error_code = e.code;
    error_message = e.message;
  }
};

asio::awaitable<asio::ip::tcp::socket> connect_tcp(const UpstreamConfig& config) {
  auto ex = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(ex);
  auto [rerr, endpoints] =
      co_await resolver.async_resolve(config.host, std::to_string(config.port), as_tuple(use_awaitable));
  if (rerr) throw UpstreamError("08006", "the database host " + config.host + " could not be resolved");
  asio::ip::tcp::socket socket(ex);
  auto [cerr, ep] = co_await asio::async_connect(socket, endpoints, as_tuple(use_awaitable));
  if (cerr)
    throw UpstreamError("08006", "the database at " + config.host + ":" + std::to_string(config.port) +
                                     " is unreachable (" + cerr.message() + ")");
  socket.set_option(asio::ip::tcp::no_delay(true));
  co_return socket;
}

asio::awaitable<Upstream> login(const UpstreamConfig& config, UpstreamRequest request) {
  asio::ip::tcp::socket socket = co_await connect_tcp(config);
  LoginSink sink;
  pg::ConnectionOptions o;
  o.user = request.user;
  o.database = request.database;
  o.application_name = request.application_name;
  if (!request.options.empty()) o.parameters.emplace_back("options", request.options);
  o.scram_nonce = nonce();
  o.auth_policy = pg::AuthPolicy::scram_only();  // the gateway's own credentials go out through SCRAM only
  pg::Connection conn(std::move(o), sink);
  if (auto s = conn.provide_password(std::move(request.password)); !s) throw UpstreamError("08004", s.message());
  if (auto s = conn.start(); !s) throw UpstreamError("08004", s.message());
  std::array<std::uint8_t, 16 * 1024> buffer{};
  while (!sink.ready) {
    if (!conn.output().empty()) {
      auto [werr, n] = co_await asio::async_write(socket, asio::buffer(conn.output().data(), conn.output().size()),
                                                  as_tuple(use_awaitable));
      conn.clear_output();
      if (werr) throw UpstreamError("08006", "the database closed the connection during the login");
    }
    auto [rerr, n] = co_await socket.async_read_some(asio::buffer(buffer), as_tuple(use_awaitable));
    if (rerr) throw UpstreamError("08006", "the database closed the connection during the login");
    const auto s = conn.receive({buffer.data(), n});
    if (!sink.error_code.empty()) {
      const bool not_ready = sink.error_code == "57P03";
      throw UpstreamError(not_ready ? "57P03" : "08004", "the database refused the gateway's login as \"" +
                                                             request.user + "\" (" + sink.error_code +
                                                             "): " + sink.error_message);
    }
    if (!s) throw UpstreamError("08004", "the gateway's login to the database failed: " + s.message());
  }
  Upstream up{std::move(socket), std::move(sink.parameters), sink.key.process_id, sink.key.secret_key};
  co_return up;
}

}  // namespace

asio::awaitable<Upstream> login_upstream(const UpstreamConfig& config, UpstreamRequest request) {
  if (config.sslmode == "require" || config.sslmode == "verify-ca" || config.sslmode == "verify-full") {
    throw UpstreamError("08004",
                        "upstream.sslmode " + config.sslmode + " is not supported by this gateway version yet");
  }
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex, request.timeout);
  const auto timeout = request.timeout;
  // Asio's || waits for the first *success*: a failed login must complete normally (with its error), or the timer
  // would win and hide it. (A struct, not a variant: || flattens variants into its own.)
  struct Outcome {
    std::optional<Upstream> upstream;
    std::optional<UpstreamError> error;
  };
  auto attempt = [&config](UpstreamRequest r) -> asio::awaitable<Outcome> {
    Outcome out;  // plain statements around co_await: GCC 12 miscompiles co_await inside braced initializers
    try {
      Upstream up = co_await login(config, std::move(r));
      out.upstream.emplace(std::move(up));
    } catch (const UpstreamError& e) {
      out.error = e;
    }
    co_return out;
  };
  auto result = co_await (attempt(std::move(request)) || timer.async_wait(use_awaitable));
  if (result.index() == 1) {
    throw UpstreamError("08006",
                        "the database did not complete the login within " + std::to_string(timeout.count()) + " ms");
  }
  auto& outcome = std::get<0>(result);
  if (outcome.error) throw *outcome.error;
  co_return std::move(*outcome.upstream);
}

asio::awaitable<void> cancel_upstream(const UpstreamConfig& config, std::int32_t process_id, std::int32_t secret_key) {
  try {
    auto socket = co_await connect_tcp(config);
    std::array<std::uint8_t, 16> msg{};
    const auto put = [&](std::size_t at, std::uint32_t v) {
      for (std::size_t i = 0; i < 4; ++i) msg[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
    };
    put(0, 16);
    put(4, 80877102);
    put(8, static_cast<std::uint32_t>(process_id));
    put(12, static_cast<std::uint32_t>(secret_key));
    co_await asio::async_write(socket, asio::buffer(msg), as_tuple(use_awaitable));
  } catch (const UpstreamError&) {
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
