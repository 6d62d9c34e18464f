#include "edgepg/client/connection.hpp"

#include <vector>

#include "crypto/crypto.hpp"
#include "edgepg/pg/connection.hpp"
#include "endpoint.hpp"
#include "net/connect.hpp"
#include "result_builder.hpp"
#include "util/base64.hpp"

namespace edgepg {
namespace {

std::string scram_nonce() {
  std::array<std::uint8_t, 18> raw{};
  if (!crypto::random_bytes(raw)) throw Error(ErrorCode::auth, "no random bytes for the SCRAM nonce");
  return util::base64_encode(raw);
}

}  // namespace

struct Connection::Impl final : pg::EventSink {
  ConnectOptions options;
  std::unique_ptr<net::Stream> stream;
  std::unique_ptr<pg::Connection> pg;
  ConnectionInfo info;
  detail::ResultBuilder builder;
  std::optional<Error> server_error;  // the first ErrorResponse of the current exchange
  Status row_error;                   // a malformed DataRow
  bool ready = false;
  bool password_needed = false;
  bool open = false;
  std::chrono::milliseconds query_timeout{0};

  explicit Impl(ConnectOptions o) : options(std::move(o)), query_timeout(options.query_timeout) {}

  // ---- pg::EventSink ----
  void on_password_needed() override { password_needed = true; }
  void on_backend_key_data(const pg::BackendKeyData& k) override { info.backend_pid = k.process_id; }
  void on_ready(pg::TransactionStatus) override { ready = true; }
  void on_row_description(const std::vector<pg::FieldDescription>& fields) override { builder.describe(fields); }
  void on_data_row(pg::Bytes body) override {
    if (row_error.ok()) row_error = builder.add_row(body);
  }
  void on_command_complete(const pg::CommandComplete& c) override { builder.complete(c); }
  void on_empty_query() override { builder.empty_query(); }
  void on_error(const pg::ErrorFields& fields, bool) override {
    if (!server_error) server_error.emplace(fields);
  }

  // ---- driving ----
  [[noreturn]] void broken(const Error& e) {
    shut();
    throw e;
  }

  void shut() noexcept {
    open = false;
    if (pg) pg->mark_closed();
    if (stream) {
      stream->close();
      stream.reset();
    }
  }

  // Sends what the core produced. A failed write closes the connection, as a failed read does.
  void flush(net::Deadline deadline) {
    const auto out = pg->output();
    if (out.empty()) return;
    try {
      stream->write(out, deadline);
    } catch (const Error&) {
      shut();
      throw;
    }
    pg->clear_output();
  }

  // Reads and feeds server bytes until ReadyForQuery. Transport and protocol failures close the connection.
  void run_until_ready(net::Deadline deadline) {
    try {
      while (!ready) {
        const net::ByteView got = stream->read(deadline);
        if (got.empty()) {
          if (server_error) broken(*server_error);  // e.g. FATAL 57P01 then the socket closed
          broken(Error(ErrorCode::closed, "the server closed the connection unexpectedly"));
        }
        if (auto s = pg->receive(got); !s) broken(Error(s));
        if (!row_error.ok()) broken(Error(ErrorCode::protocol, row_error.message()));
        if (pg->phase() == pg::Phase::failed) {
          broken(server_error ? *server_error : Error(ErrorCode::closed, "the connection failed"));
        }
        if (password_needed) {
          password_needed = false;
          broken(Error(ErrorCode::auth, "the server asks for a password, but none was given"));
        }
        flush(deadline);
      }
    } catch (const Error&) {
      shut();
      throw;
    }
  }

  // The require_auth policy, or its default: SCRAM only when a password (or provider) is configured.
  pg::AuthPolicy auth_policy() const {
    pg::ChannelBinding cb;
    if (auto s = pg::parse_channel_binding(options.channel_binding, cb); !s)
      throw Error(ErrorCode::invalid_argument, s.message());
    if (!options.require_auth) {
      const bool has_password = options.password_provider || !options.password.empty();
      return has_password ? pg::AuthPolicy::scram_only() : pg::AuthPolicy::any();
    }
    pg::AuthPolicy policy;
    if (auto s = pg::parse_require_auth(*options.require_auth, policy); !s)
      throw Error(ErrorCode::invalid_argument, s.message());
    return policy;
  }

  void connect() {
    check_host(options.host);
    const pg::AuthPolicy policy = auth_policy();  // before any socket opens: a bad policy is the caller's error
    const net::Deadline deadline = net::deadline_after(options.connect_timeout);
    net::StreamInfo si;
    stream = net::open_postgres_stream(detail::endpoint_for(options), deadline, si);
    info.tls = si.postgres_tls;
    info.websocket = si.websocket;
    info.websocket_tls = si.websocket_tls;
    pg::ConnectionOptions po;
    po.user = options.user;
    po.database = options.database;
    po.application_name = options.application_name;
    if (!options.options.empty()) po.parameters.emplace_back("options", options.options);
    po.scram_nonce = scram_nonce();
    po.auth_policy = policy;
    po.scram_max_iterations = options.scram_max_iterations;
    pg = std::make_unique<pg::Connection>(std::move(po), *this);
    std::string password = options.password_provider ? options.password_provider() : options.password;
    // The Connection does not keep the password once the core has it (the core wipes it once used).
    crypto::cleanse(options.password.data(), options.password.size());
    options.password.clear();
    const bool have_password = !password.empty();
    if (have_password) {
      if (auto s = pg->provide_password(std::move(password)); !s) broken(Error(s));
    }
    if (auto s = pg->start(); !s) broken(Error(s));
    // require_auth=password (a token for the gateway, RDS, Cloud SQL, Entra): the password goes with the startup,
    // one round trip fewer (pg::Connection::pipeline_password; any other policy waits for the server's request).
    if (have_password && policy.password && !policy.md5 && !policy.scram && !policy.none) {
      if (auto s = pg->pipeline_password(); !s) broken(Error(s));
    }
    open = true;
    flush(deadline);
    run_until_ready(deadline);
  }

  Result run(std::string_view sql, const std::span<const Param>* params) {
    if (!open) throw Error(ErrorCode::closed, "the connection is closed");
    Status s;
    if (params) {
      std::vector<pg::Param> values;
      values.reserve(params->size());
      for (const Param& p : *params) values.push_back(p.is_null() ? pg::Param() : pg::Param(p.text()));
      s = pg->query_params(sql, values);
    } else {
      s = pg->query(sql);
    }
    if (!s) {
      if (s.code() == ErrorCode::closed) shut();
      throw Error(s);
    }
    ready = false;
    server_error.reset();
    builder.reset();
    const net::Deadline deadline = net::deadline_after(query_timeout);
    flush(deadline);
    run_until_ready(deadline);
    if (server_error) {
      Error e = std::move(*server_error);
      server_error.reset();
      builder.reset();
      throw e;
    }
    return builder.take();
  }
};

Connection::Connection(std::string_view connection_string) : Connection(parse_connection_string(connection_string)) {}

Connection::Connection(ConnectOptions options) : impl_(std::make_unique<Impl>(std::move(options))) { impl_->connect(); }

Connection::~Connection() { close(); }
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Result Connection::query(std::string_view sql) {
  if (!impl_) throw Error(ErrorCode::closed, "the connection was moved from");
  return impl_->run(sql, nullptr);
}

Result Connection::query(std::string_view sql, std::initializer_list<Param> params) {
  return query(sql, std::span<const Param>(params.begin(), params.size()));
}

Result Connection::query(std::string_view sql, std::span<const Param> params) {
  if (!impl_) throw Error(ErrorCode::closed, "the connection was moved from");
  return impl_->run(sql, &params);
}

void Connection::close() noexcept {
  if (!impl_ || !impl_->stream) return;
  if (impl_->open && impl_->pg) {
    impl_->pg->terminate();
    try {
      impl_->flush(net::Clock::now() + std::chrono::milliseconds(200));
    } catch (...) {
    }
  }
  impl_->shut();
}

bool Connection::is_open() const noexcept { return impl_ && impl_->open; }

pg::TransactionStatus Connection::transaction_status() const noexcept {
  return impl_ && impl_->pg ? impl_->pg->transaction_status() : pg::TransactionStatus::idle;
}

std::optional<std::string> Connection::server_parameter(std::string_view name) const {
  if (!impl_ || !impl_->pg) return std::nullopt;
  const auto& params = impl_->pg->server_parameters();
  const auto it = params.find(std::string(name));
  if (it == params.end()) return std::nullopt;
  return it->second;
}

const ConnectionInfo& Connection::info() const noexcept {
  static const ConnectionInfo none;
  return impl_ ? impl_->info : none;
}

void Connection::set_query_timeout(std::chrono::milliseconds timeout) noexcept {
  if (impl_) impl_->query_timeout = timeout;
}

void Connection::begin_transaction() {
  if (transaction_status() != pg::TransactionStatus::idle) {
    throw Error(ErrorCode::invalid_argument, "a transaction is already open on this connection");
  }
  (void)query("begin");
}

void Connection::commit_transaction() {
  const Result r = query("commit");
  if (r.command_tag() == "ROLLBACK") {
    throw Error(ErrorCode::rolled_back, "the transaction had failed, and COMMIT rolled it back");
  }
}

void Connection::rollback_quietly() noexcept {
  try {
    if (is_open() && transaction_status() != pg::TransactionStatus::idle) (void)query("rollback");
  } catch (...) {
  }
}

}  // namespace edgepg
