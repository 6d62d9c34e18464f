#include "pg_client.hpp"

#include <array>
#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <set>

#include "crypto/crypto.hpp"
#include "edgepg/pg/connection.hpp"
#include "edgepg/pg/frontend.hpp"

namespace edgepg::gateway {
namespace {

using asio::use_awaitable;
using asio::experimental::as_tuple;

std::string nonce() {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::array<std::uint8_t, 24> r{};
  if (!crypto::random_bytes(r)) throw PgClientError("08004", "no randomness for the SCRAM nonce");
  std::string out(24, 'A');
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = alphabet[r[i] % 64];
  return out;
}

// libpq's sslmode as the TLS the upstream gets, or nothing (plain). require checks nothing unless a root certificate
// is given, as libpq does.
std::optional<crypto::TlsConfig> tls_for(const UpstreamConfig& u) {
  if (u.sslmode == "disable" || u.sslmode == "allow") return std::nullopt;
  crypto::TlsConfig c;
  c.server_name = u.host;
  c.root_cert_file = u.sslrootcert;
  if (u.sslmode == "verify-full") {
    c.verify = crypto::TlsVerify::chain_and_host;
  } else if (u.sslmode == "verify-ca" || (u.sslmode == "require" && !u.sslrootcert.empty())) {
    c.verify = crypto::TlsVerify::chain;
  } else {
    c.verify = crypto::TlsVerify::none;  // prefer, or require without a root certificate
  }
  return c;
}

bool tls_required(const UpstreamConfig& u) {
  return u.sslmode != "disable" && u.sslmode != "allow" && u.sslmode != "prefer";
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
  explicit State(Transport t) : transport(std::move(t)) {}
  Transport transport;
  Sink sink;
  std::unique_ptr<pg::Connection> conn;
  bool usable = false;
  std::set<std::string> prepared;  // named statements parsed on this connection
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
      const bool sent = co_await st.transport.write_all(st.conn->output());
      st.conn->clear_output();
      if (!sent) throw PgClientError("08006", "the database closed the connection");
    }
    const std::size_t n = co_await st.transport.read_some(buffer);
    if (n == 0) throw PgClientError("08006", "the database closed the connection");
    const auto s = st.conn->receive({buffer.data(), n});
    if (!s && s.code() == ErrorCode::auth)
      throw PgClientError("08004", "the gateway's login was stopped: " + s.message());
    if (!s) throw PgClientError("08006", "the database broke the protocol: " + s.message());
    if (st.conn->phase() == pg::Phase::failed) break;  // a FATAL error: reported below
  }
}

asio::awaitable<void> PgClient::login(const UpstreamConfig& upstream, LoginRequest request) {
  auto ex = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(ex);
  auto [rerr, endpoints] =
      co_await resolver.async_resolve(upstream.host, std::to_string(upstream.port), as_tuple(use_awaitable));
  if (rerr) {
    throw PgClientError("08006", "the database host " + upstream.host +
                                     " could not be resolved; try again later, or tell the gateway's operator");
  }
  asio::ip::tcp::socket socket(ex);
  auto [cerr, ep] = co_await asio::async_connect(socket, endpoints, as_tuple(use_awaitable));
  if (cerr) {
    throw PgClientError("08006", "the database at " + upstream.host + ":" + std::to_string(upstream.port) +
                                     " is unreachable (" + cerr.message() +
                                     "); try again later, or tell the gateway's operator if it persists");
  }
  socket.set_option(asio::ip::tcp::no_delay(true));
  s_ = std::make_unique<State>(Transport(std::move(socket)));
  if (const auto tls = tls_for(upstream)) {
    // SSLRequest, a one-byte answer, then the handshake (or, under prefer, plain on 'N').
    pg::FrontendWriter w;
    w.ssl_request();
    const bool asked = co_await s_->transport.write_all(w.data());
    std::array<std::uint8_t, 1> answer{};
    std::size_t got = 0;
    if (asked) got = co_await s_->transport.read_some(answer);
    if (got != 1 || (answer[0] != 'S' && answer[0] != 'N')) {
      throw PgClientError("08006", "the database did not answer the gateway's SSLRequest");
    }
    if (answer[0] == 'N' && tls_required(upstream)) {
      throw PgClientError("08006", "the database does not offer TLS, and upstream.sslmode is " + upstream.sslmode);
    }
    if (answer[0] == 'S') {
      const bool secured = co_await s_->transport.connect_tls(*tls);
      if (!secured) {
        throw PgClientError("08006", "the gateway's TLS connection to the database failed: " + s_->transport.why());
      }
    }
  }
  pg::ConnectionOptions o;
  o.user = request.user;
  o.database = request.database;
  o.application_name = request.application_name;
  if (!request.options.empty()) o.parameters.emplace_back("options", request.options);
  o.scram_nonce = nonce();
  // The gateway's own credentials go out through SCRAM only; an IAM token (a short-lived password the server must
  // see) as cleartext, and only under TLS.
  o.auth_policy = pg::AuthPolicy::scram_only();
  if (request.cleartext_under_tls) {
    if (!s_->transport.secure()) {
      throw PgClientError("08004",
                          "the gateway sends an IAM token only under TLS, and this upstream connection has "
                          "none (upstream.sslmode)");
    }
    o.auth_policy = pg::AuthPolicy{false, true, false, false};
  }
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
                                                  const std::vector<std::optional<std::string>>& params,
                                                  const std::string& statement) {
  if (!usable()) throw PgClientError("08006", "the connection is not usable");
  auto& st = *s_;
  std::vector<pg::Param> values(params.begin(), params.end());
  pg::ExtendedQuery q;
  q.sql = sql;
  q.params = values;
  q.statement = statement;
  q.parse = statement.empty() || !st.prepared.contains(statement);
  if (auto s = st.conn->query_extended(q); !s) throw PgClientError("08006", s.message());
  // Forgotten again on failure: whether the Parse succeeded is then unknown, and parsing again closes it first.
  if (!statement.empty()) st.prepared.insert(statement);
  st.sink.rows.clear();
  st.sink.error_code.clear();
  try {
    co_await exchange();
  } catch (...) {
    st.usable = false;
    throw;
  }
  if (st.conn->phase() != pg::Phase::ready) st.usable = false;
  if (!st.sink.error_code.empty()) {
    st.prepared.erase(statement);
    throw PgClientError(st.sink.error_code, st.sink.error_message);
  }
  co_return std::move(st.sink.rows);
}

const std::vector<std::pair<std::string, std::string>>& PgClient::parameters() const { return s_->sink.parameters; }
std::int32_t PgClient::process_id() const { return s_->sink.key.process_id; }
std::int32_t PgClient::secret_key() const { return s_->sink.key.secret_key; }
bool PgClient::usable() const { return s_ && s_->usable; }

Transport PgClient::release_transport() {
  s_->usable = false;
  return std::move(s_->transport);
}

}  // namespace edgepg::gateway
