#include "pg_client.hpp"

#include <array>
#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <random>

#include "edgepg/pg/connection.hpp"

namespace edgepg::gateway {
namespace {

using asio::use_awaitable;
using asio::experimental::as_tuple;

std::string nonce() {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::random_device rd;
  std::string out(24, 'A');
  for (auto& c : out) c = alphabet[rd() % 64];
  return out;
}

struct Sink final : pg::EventSink {
  std::vector<std::pair<std::string, std::string>> parameters;
  pg::BackendKeyData key{};
  bool ready = false;
  std::string error_code, error_message;
  std::vector<Row> rows;
  void on_parameter_status(const pg::ParameterStatus& p) override { parameters.emplace_back(p.name, p.value); }
  void on_backend_key_data(const pg::BackendKeyData& k) override { key = k; }
  void on_ready(pg::TransactionStatus) override { ready = true; }
  void on_error(const pg::ErrorFields& e, bool) override {
    if (error_code.empty()) {
      error_code = e.code;
      error_message = e.message;
    }
  }
  void on_data_row(pg::Bytes body) override {
    pg::DataRowReader r;
    if (!pg::DataRowReader::open(body, r)) return;
    Row row;
    for (int i = 0; i < r.columns(); ++i) {
      std::optional<pg::Bytes> cell;
      if (!r.next(cell)) return;
      row.push_back(cell ? std::optional<std::string>(std::string(cell->begin(), cell->end())) : std::nullopt);
    }
    rows.push_back(std::move(row));
  }
};

}  // namespace

struct PgClient::State {
  explicit State(asio::ip::tcp::socket s) : socket(std::move(s)) {}
  asio::ip::tcp::socket socket;
  Sink sink;
  std::unique_ptr<pg::Connection> conn;
  bool usable = false;
};

PgClient::PgClient() = default;
PgClient::~PgClient() = default;
PgClient::PgClient(PgClient&&) noexcept = default;
PgClient& PgClient::operator=(PgClient&&) noexcept = default;

asio::awaitable<void> PgClient::exchange() {
  auto& st = *s_;
  std::array<std::uint8_t, 16 * 1024> buffer{};
  st.sink.ready = false;
  while (!st.sink.ready) {
    if (!st.conn->output().empty()) {
      auto [werr, n] = co_await asio::async_write(
          st.socket, asio::buffer(st.conn->output().data(), st.conn->output().size()), as_tuple(use_awaitable));
      st.conn->clear_output();
      if (werr) throw PgClientError("08006", "the database closed the connection");
    }
    auto [rerr, n] = co_await st.socket.async_read_some(asio::buffer(buffer), as_tuple(use_awaitable));
    if (rerr) throw PgClientError("08006", "the database closed the connection");
    const auto s = st.conn->receive({buffer.data(), n});
    if (!s) throw PgClientError("08006", "the database broke the protocol: " + s.message());
    if (st.conn->phase() == pg::Phase::failed) break;  // a FATAL error: reported below
  }
}

asio::awaitable<void> PgClient::login(const UpstreamConfig& upstream, LoginRequest request) {
  if (upstream.sslmode == "require" || upstream.sslmode == "verify-ca" || upstream.sslmode == "verify-full") {
    throw PgClientError("08004",
                        "upstream.sslmode " + upstream.sslmode + " is not supported by this gateway version yet");
  }
  auto ex = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(ex);
  auto [rerr, endpoints] =
      co_await resolver.async_resolve(upstream.host, std::to_string(upstream.port), as_tuple(use_awaitable));
  if (rerr) throw PgClientError("08006", "the database host " + upstream.host + " could not be resolved");
  asio::ip::tcp::socket socket(ex);
  auto [cerr, ep] = co_await asio::async_connect(socket, endpoints, as_tuple(use_awaitable));
  if (cerr) {
    throw PgClientError("08006", "the database at " + upstream.host + ":" + std::to_string(upstream.port) +
                                     " is unreachable (" + cerr.message() + ")");
  }
  socket.set_option(asio::ip::tcp::no_delay(true));
  s_ = std::make_unique<State>(std::move(socket));
  pg::ConnectionOptions o;
  o.user = request.user;
  o.database = request.database;
  o.application_name = request.application_name;
  if (!request.options.empty()) o.parameters.emplace_back("options", request.options);
  o.scram_nonce = nonce();
  o.auth_policy = pg::AuthPolicy::scram_only();  // the gateway's own credentials go out through SCRAM only
  s_->conn = std::make_unique<pg::Connection>(std::move(o), s_->sink);
  if (auto s = s_->conn->provide_password(std::move(request.password)); !s) throw PgClientError("08004", s.message());
  if (auto s = s_->conn->start(); !s) throw PgClientError("08004", s.message());
  co_await exchange();
  if (!s_->sink.error_code.empty()) {
    const bool not_ready = s_->sink.error_code == "57P03";
    throw PgClientError(not_ready ? "57P03" : "08004", "the database refused the gateway's login as \"" + request.user +
                                                           "\" (" + s_->sink.error_code +
                                                           "): " + s_->sink.error_message);
  }
  if (s_->conn->phase() != pg::Phase::ready) throw PgClientError("08004", "the gateway's login to the database failed");
  s_->usable = true;
}

asio::awaitable<std::vector<Row>> PgClient::query(const std::string& sql,
                                                  const std::vector<std::optional<std::string>>& params) {
  if (!usable()) throw PgClientError("08006", "the connection is not usable");
  auto& st = *s_;
  std::vector<pg::Param> values(params.begin(), params.end());
  if (auto s = st.conn->query_params(sql, values); !s) throw PgClientError("08006", s.message());
  st.sink.rows.clear();
  st.sink.error_code.clear();
  try {
    co_await exchange();
  } catch (...) {
    st.usable = false;
    throw;
  }
  if (st.conn->phase() != pg::Phase::ready) st.usable = false;
  if (!st.sink.error_code.empty()) throw PgClientError(st.sink.error_code, st.sink.error_message);
  co_return std::move(st.sink.rows);
}

const std::vector<std::pair<std::string, std::string>>& PgClient::parameters() const { return s_->sink.parameters; }
std::int32_t PgClient::process_id() const { return s_->sink.key.process_id; }
std::int32_t PgClient::secret_key() const { return s_->sink.key.secret_key; }
bool PgClient::usable() const { return s_ && s_->usable; }

asio::ip::tcp::socket PgClient::release_socket() {
  s_->usable = false;
  return std::move(s_->socket);
}

}  // namespace edgepg::gateway
