#include "session.hpp"

#include <array>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/experimental/deferred.hpp>
#include <asio/experimental/parallel_group.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <vector>

#include "backend_chat.hpp"
#include "credentials.hpp"
#include "edgepg/pg/frontend.hpp"
#include "edgepg/pg/server_codec.hpp"
#include "login_channel.hpp"
#include "oauthbearer_login.hpp"
#include "protocol_tracker.hpp"
#include "relay.hpp"
#include "upstream.hpp"

namespace edgepg::gateway {

namespace {

Services::Snapshot make_snapshot(Config config, std::shared_ptr<const IdentityVerifier> identity, ListenerTls tls) {
  auto tokens = std::make_shared<const RoleTokens>(config);
  return {std::make_shared<const Config>(std::move(config)), std::move(identity), std::move(tls), std::move(tokens)};
}

}  // namespace

Services::Services(Config config, std::shared_ptr<const IdentityVerifier> identity, ListenerTls tls)
    : audit(config.audit.file), current_(make_snapshot(std::move(config), std::move(identity), std::move(tls))) {}

Services::Snapshot Services::snapshot() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void Services::replace(Config config, std::shared_ptr<const IdentityVerifier> identity, ListenerTls tls) {
  Snapshot fresh = make_snapshot(std::move(config), std::move(identity), std::move(tls));
  std::lock_guard lock(mutex_);
  current_ = std::move(fresh);
}

namespace {

using asio::use_awaitable;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

std::int64_t elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// Arms the claims row of backend `up` (logged in as `role`) for its next holder (ClaimsChannel::arm, or rearm when
// its row `backend_start` exists) and marks it armed; false when the claims channel could not, and the holder's row
// then goes through the admin connection.
asio::awaitable<bool> arm_backend(Services& services, const Config& config, Upstream& up, const std::string& role,
                                  const std::string& backend_start = {}) {
  bool armed = false;
  try {
    if (backend_start.empty()) {
      (void)co_await services.claims->arm(config, up.process_id, role);
    } else {
      (void)co_await services.claims->rearm(config, up.process_id, backend_start, role);
    }
    armed = true;
  } catch (const PgClientError&) {
  }
  up.armed = armed;
  co_return armed;
}

// Keeps pool.min_idle backends of a role and database logged in and idle: run (detached) after a client took one.
// Credentials are read at each login, so a rotated password applies to the next backend.
asio::awaitable<void> replenish(Services& services, Services::Snapshot snap, PoolKey key) {
  BackendPool& pool = *services.pool;
  const Config& config = *snap.config;
  while (pool.idle(key) < pool.config().min_idle && pool.reserve(key)) {
    const auto creds = config.roles.find(key.role);
    UpstreamRequest req;
    req.login.user = key.role;
    req.login.database = key.database;
    req.login.application_name = "edgepg-gateway";
    if (creds != config.roles.end()) {
      RolePassword fetched =
          co_await fetch_role_password(services, key.role, creds->second, config.upstream, *snap.tokens);
      req.login.password = std::move(fetched.password);
      req.login.cleartext_under_tls = creds->second.sends_token();
    }
    std::optional<Upstream> fresh;
    try {
      Upstream u = co_await login_upstream(config.upstream, std::move(req));
      fresh.emplace(std::move(u));
    } catch (const UpstreamError&) {
    }
    if (!fresh) {
      pool.closed(key);  // the next client's own login will report why
      co_return;
    }
    if (config.claims.sessions && services.claims) {
      // Armed for its first holder, whose login then writes the claims on the backend itself (one round trip).
      (void)co_await arm_backend(services, config, *fresh, key.role);
    }
    pool.give_back(key, std::move(*fresh), BackendPool::Clock::now());
  }
}

class Session final : public LoginChannel {
 public:
  Session(ClientStream& client, ClientInfo info, Services& services)
      : client_(client),
        info_(std::move(info)),
        services_(services),
        snap_(services.snapshot()),
        id_(services.next_session.fetch_add(1)),
        started_(Clock::now()) {}

  asio::awaitable<void> run() {
    services_.metrics.client_opened();
    std::string outcome = "ok";
    std::optional<Refused> refused;  // co_await is not allowed inside a handler: refuse after the try
    std::optional<Upstream> upstream;
    try {
      if (services_.metrics.clients() > static_cast<std::int64_t>(snap_.config->limits.max_clients)) {
        throw Refused{"53300", "too many clients: the gateway's limits.max_clients is reached; try again later",
                      "max_clients"};
      }
      auto ex = co_await asio::this_coro::executor;
      asio::steady_timer deadline(ex, std::chrono::milliseconds(snap_.config->limits.auth_timeout_ms));
      auto ready = co_await (guarded_login() || deadline.async_wait(use_awaitable));
      if (ready.index() == 1 && waiting_for_database_) {
        throw Refused{"08006",
                      "the database did not answer the gateway's login within limits.auth_timeout_ms; try again "
                      "later, or tell the gateway's operator if it persists",
                      "upstream_failed"};
      }
      if (ready.index() == 1) {
        throw Refused{"08006", "the client did not complete the login within limits.auth_timeout_ms", "auth_timeout"};
      }
      auto& result = std::get<0>(ready);
      if (result.refused) throw *result.refused;
      if (result.upstream_error) throw *result.upstream_error;
      upstream = std::move(result.upstream);
      if (!upstream) outcome = "cancel";  // a CancelRequest was forwarded
    } catch (const Refused& r) {
      if (r.reason.rfind("ERR_", 0) == 0) {
        outcome = "auth_failed";
      } else if (r.reason == "upstream_failed") {
        outcome = r.reason;  // the login's deadline passed while the database had not answered
      } else {
        outcome = "refused";
      }
      refused = r;
    } catch (const UpstreamError& e) {
      outcome = "upstream_failed";
      refused = Refused{e.sqlstate, e.what(), "upstream_failed"};
    }
    if (refused) co_await refuse(*refused);
    if (upstream) co_await relay(*upstream);
    if (relay_ && relay_->refused_message()) co_await drain_client();  // so the error is read before the close
    // A client that left gets its close now, not after the backend's clean-up below (its end() waits for it).
    if (relay_ && relay_->client_left()) client_.close();
    // Before the backend can go to another holder, this client's cancel key goes (a cancel looked up just before
    // and still on its way to PostgreSQL can land late: SECURITY.md).
    forget_cancel_key();
    // A backend going back to the pool has its claims row cleared and armed for the next holder (return_to_pool);
    // the row of any other goes.
    if (upstream && pool_slot_) co_await return_to_pool(*upstream);
    if (!backend_start_.empty() && !given_back_) {
      co_await services_.claims->forget(*snap_.config, backend_pid_, backend_start_);
    }
    if (upstream && !given_back_ && relay_ && relay_->client_terminated()) {
      // The backend closes with the session: pass the client's Terminate on, so the server ends it cleanly.
      pg::FrontendWriter bye;
      bye.terminate();
      upstream->transport.write_and_close(bye.data());
    }
    finish(outcome);
  }

 private:
  // Reads the client's bytes into the startup parser until a packet is whole.
  asio::awaitable<pg::StartupPacket> next_startup_packet() {
    for (;;) {
      pg::StartupPacket pkt;
      const auto step = startup_.next(pkt);
      if (step == pg::StartupStep::packet) co_return pkt;
      if (step == pg::StartupStep::error || step == pg::StartupStep::finished) {
        throw Refused{"08P01", "invalid startup packet: " + startup_.error().message(), "protocol"};
      }
      const auto n = co_await client_.read(buffer_);
      if (n == 0) throw Refused{"", "", "client_gone"};
      bytes_in_ += n;
      (void)startup_.feed({buffer_.data(), n});
    }
  }

  // The TLS handshake after 'S' (or a direct-TLS ClientHello). A failed handshake has nobody to answer to.
  asio::awaitable<void> start_tls(std::span<const std::uint8_t> early) {
    const bool ok = co_await client_.start_tls(early);
    if (!ok) throw Refused{"", "", "tls_handshake"};
    info_.secure = true;
  }

  // The next whole message from the client during the login.
  asio::awaitable<pg::RawMessage> next_message() override {
    for (;;) {
      pg::RawMessage m;
      const auto step = frontend_.next(m);
      if (step == pg::ParseStep::message) co_return m;
      if (step == pg::ParseStep::error)
        throw Refused{"08P01", "invalid message: " + frontend_.error().message(), "protocol"};
      const auto n = co_await client_.read(buffer_);
      if (n == 0) throw Refused{"", "", "client_gone"};
      bytes_in_ += n;
      (void)frontend_.feed({buffer_.data(), n});
    }
  }

  asio::awaitable<void> send(pg::BackendWriter& w) override {
    if (w.empty()) co_return;
    bytes_out_ += w.data().size();
    co_await client_.write(w.data());
    w.clear();
  }

  // login() that completes normally whatever happens: Asio's || waits for the first *success*, so a refusal thrown
  // inside it would otherwise wait for the auth deadline.
  struct LoginOutcome {  // a struct, not a variant: || flattens variants into its own
    std::optional<Upstream> upstream;
    std::optional<Refused> refused;
    std::optional<UpstreamError> upstream_error;
  };
  asio::awaitable<LoginOutcome> guarded_login() {
    LoginOutcome out;
    try {
      std::optional<Upstream> up = co_await login();
      out.upstream = std::move(up);
    } catch (const Refused& r) {
      out.refused = r;
    } catch (const UpstreamError& e) {
      out.upstream_error = e;
    }
    co_return out;
  }

  // The startup and the token; returns the logged-in upstream, or nothing for a forwarded CancelRequest.
  asio::awaitable<std::optional<Upstream>> login() {
    const Config& config = *snap_.config;
    pg::BackendWriter w;
    pg::StartupMessage startup;
    for (;;) {
      pg::StartupPacket pkt = co_await next_startup_packet();
      if (pkt.kind == pg::StartupKind::ssl_request) {
        const bool tls = client_.tls_available();
        w.ssl_answer(tls);
        co_await send(w);
        const std::vector<std::uint8_t> none;  // a named argument: see docs/GATEWAY.md on GCC 12 and co_await
        if (tls) co_await start_tls(none);
      } else if (pkt.kind == pg::StartupKind::gssenc_request) {
        w.gssenc_answer(false);
        co_await send(w);
      } else if (pkt.kind == pg::StartupKind::cancel_request) {
        if (pkt.cancel.secret_key.size() == 4) {
          const auto& k = pkt.cancel.secret_key;
          const std::int32_t secret = static_cast<std::int32_t>(
              (std::uint32_t{k[0]} << 24) | (std::uint32_t{k[1]} << 16) | (std::uint32_t{k[2]} << 8) | k[3]);
          // Only keys this gateway handed out, mapped to their backend (a pooled backend's earlier holders
          // cannot cancel its next one).
          if (const auto backend = services_.cancel_keys.find(pkt.cancel.process_id, secret)) {
            co_await cancel_upstream(config.upstream, backend->process_id, backend->secret_key);
          }
        }
        co_return std::nullopt;
      } else if (pkt.kind == pg::StartupKind::direct_tls) {
        // PostgreSQL 17's sslnegotiation=direct: the ClientHello comes first. Without a certificate there is
        // nothing to answer in the clear; with one, PostgreSQL's rule: the client must have negotiated ALPN.
        if (!client_.tls_available()) throw Refused{"", "", "direct_tls"};
        const std::vector<std::uint8_t> hello = startup_.take_remaining();
        co_await start_tls(hello);
        if (client_.alpn() != "postgresql") {
          throw Refused{"08P01",
                        "direct TLS connections must negotiate the ALPN protocol \"postgresql\" (a PostgreSQL 17 or "
                        "newer client does)",
                        "protocol"};
        }
      } else {
        startup = std::move(pkt.startup);
        break;
      }
    }
    if (pg::needs_protocol_negotiation(startup, 0)) {
      std::vector<std::string> options;
      for (const auto& [name, value] : startup.protocol_options) options.push_back(name);
      (void)w.negotiate_protocol_version(0, options);
    }
    user_ = std::string(startup.user());
    database_ = std::string(startup.database());
    if (!config.upstream.databases.empty() &&
        std::find(config.upstream.databases.begin(), config.upstream.databases.end(), database_) ==
            config.upstream.databases.end()) {
      throw Refused{"3D000", "database \"" + database_ + "\" is not served by this gateway (upstream.databases)",
                    "database"};
    }
    frontend_.set_max_message_size(pg::max_auth_message_size);
    const auto early = startup_.take_remaining();
    (void)frontend_.feed({early.data(), early.size()});

    // listen.oauthbearer: PostgreSQL 18's SASL OAUTHBEARER on the postgres listener, instead of the cleartext password.
    const bool oauthbearer = config.listen.oauthbearer.has_value() && info_.listener == "postgres";
    std::string token;
    if (info_.bearer) {
      token = *info_.bearer;
    } else {
      if (!info_.secure && !client_.secure() && !info_.loopback) {
        throw Refused{"28000",
                      "ERR_INSECURE_TRANSPORT: the gateway takes the token as the password only over TLS "
                      "(wss://) or from loopback; connect with TLS",
                      "ERR_INSECURE_TRANSPORT"};
      }
      if (oauthbearer) {
        token = co_await oauthbearer_client_first(*this, w, user_, config);
      } else {
        w.authentication_cleartext_password();
        // A client that pipelined its password behind the startup (edgepg's and Neon's drivers do) gets this request
        // with the login's answer, in one write: one wake-up of the client fewer while the database works. A client
        // that waits for the request gets it now.
        pg::RawMessage m;
        if (frontend_.next(m) == pg::ParseStep::message) {
          const auto request = w.data();
          held_request_.assign(request.begin(), request.end());
          w.clear();
        } else {
          co_await send(w);  // a malformed message is reported by next_message(), after the request
          m = co_await next_message();
        }
        std::string_view password;
        if (m.type != pg::frontend::password || !pg::decode_password_message(m.body, password)) {
          throw Refused{"08P01", "expected the password message (the token)", "protocol"};
        }
        token.assign(password);
      }
    }
    Identity who;
    Refusal refusal;
    bool ok = false;
    if (oauthbearer && token.empty()) {
      refusal = {"ERR_JWT_MALFORMED", "the OAUTHBEARER auth value is not \"Bearer <token>\" (RFC 6750 §2.1)"};
    } else {
      ok = co_await verify_token(services_, *snap_.identity, token, user_, who, refusal);
    }
    std::fill(token.begin(), token.end(), '\0');
    if (!ok) {
      services_.metrics.auth_failed(refusal.code);
      if (oauthbearer) co_await oauthbearer_challenge(*this, config, refusal);
      throw Refused{"28000", refusal.code + ": " + refusal.message, refusal.code};
    }
    identity_ = who;

    const auto creds = config.roles.find(who.role);
    if (creds == config.roles.end()) refuse_credentials(who.role, {{}, "the role has no credentials", false});
    const bool pooled = services_.pool != nullptr;
    std::string options(startup.parameter("options").value_or(""));
    if (pooled && !options.empty()) {
      throw Refused{"08P01",
                    "the startup parameter \"options\" is not supported while the gateway pools backends; send "
                    "each setting as its own startup parameter (e.g. search_path)",
                    "protocol"};
    }
    UpstreamRequest req;
    req.login.user = who.role;
    req.login.database = database_;
    req.login.cleartext_under_tls = creds->second.sends_token();
    if (pooled) {
      // A pooled backend outlives its holder: nothing of the holder goes into its startup packet, whose values
      // RESET/DISCARD ALL would restore for the next one. The holder's settings follow as set_config below.
      req.login.application_name = "edgepg-gateway";
    } else {
      req.login.application_name = std::string(startup.parameter("application_name").value_or(""));
      if (!config.claims.setting.empty()) {
        if (!options.empty()) options += ' ';
        options += startup_setting(config.claims.setting, who.claims_json);  // last: the gateway's value wins
      }
      req.login.options = std::move(options);
    }
    const auto t0 = Clock::now();
    waiting_for_database_ = true;      // from here the login's deadline is the database's, not the client's
    std::optional<Upstream> acquired;  // if/else rather than ?: around co_await (see docs/GATEWAY.md on GCC 12)
    if (pooled) {
      Upstream u = co_await acquire_pooled(config, std::move(req), creds->second);
      acquired.emplace(std::move(u));
    } else {
      std::string password = co_await password_for_login(who.role, creds->second);
      req.login.password = std::move(password);
      Upstream u = co_await login_upstream(config.upstream, std::move(req));
      acquired.emplace(std::move(u));
    }
    Upstream& up = *acquired;
    services_.metrics.upstream_connect_seconds(std::chrono::duration<double>(Clock::now() - t0).count());
    // The holder's settings on a pooled backend and its tamper-proof claims row: on a warm backend, armed when it
    // went back, one statement on the backend itself; on a fresh one the row through the admin connection and the
    // settings on the backend at once (two connections: one round trip rather than two).
    const bool claims = config.claims.sessions && services_.claims;
    // The reset after this holder parses begin_holder's statement for the next with as many settings; one parsed
    // for this holder is closed by begin_holder, or here when this holder's login goes another way.
    std::vector<std::pair<std::string, std::string>> settings;
    if (pooled && claims) {
      settings = holder_settings(config, who, startup);
      warm_settings_ = settings.size();
    }
    if (!(pooled && claims && up.armed)) co_await forget_holder_statement(up, std::chrono::milliseconds(5000));
    if (pooled && claims && up.armed) {
      // A warm backend armed for us: the claims and the settings in one statement on the backend itself, with the
      // client's first query behind them when it sent one with its token.
      up.armed = false;
      split_early(static_cast<std::uint32_t>(config.limits.max_message_bytes));
      co_await begin_on_backend(up, who, settings);
    } else if (pooled && claims) {
      // Both run to their end (no cancellation half-way: an admin connection is never left mid-statement); the
      // settings' error wins, as when they ran one after the other.
      const auto ex = co_await asio::this_coro::executor;
      auto both = co_await asio::experimental::make_parallel_group(
                      asio::co_spawn(ex, apply_holder_settings(up, config, who, startup), asio::experimental::deferred),
                      asio::co_spawn(ex, record_claims(config, up, who), asio::experimental::deferred))
                      .async_wait(asio::experimental::wait_for_all(), use_awaitable);
      backend_start_ = std::move(std::get<3>(both));  // recorded even if the settings failed: forgotten at the end
      backend_pid_ = up.process_id;
      if (std::get<1>(both)) std::rethrow_exception(std::get<1>(both));
      if (std::get<2>(both)) std::rethrow_exception(std::get<2>(both));
    } else if (pooled) {
      // The settings alone (claims only through claims.setting), with the client's first query behind them when it
      // sent one with its token.
      split_early(static_cast<std::uint32_t>(config.limits.max_message_bytes));
      if (early_sent_.empty()) {
        co_await apply_holder_settings(up, config, who, startup);
      } else {
        settings = holder_settings(config, who, startup);  // not computed above: claims.sessions is off
        co_await apply_settings_pipelined(up, settings, early_sent_, early_answered_, std::chrono::milliseconds(5000));
        services_.metrics.first_query_pipelined();
      }
    } else if (claims) {
      std::string started = co_await record_claims(config, up, who);
      backend_start_ = std::move(started);
      backend_pid_ = up.process_id;
    }
    if (pooled && services_.pool->idle(*pool_key_) < services_.pool->config().min_idle) {
      const auto ex = co_await asio::this_coro::executor;
      asio::co_spawn(ex, replenish(services_, snap_, *pool_key_), asio::detached);
    }

    // The client sees its backend: parameter statuses and key data (cancel requests reach it through us).
    w.authentication_ok();
    for (const auto& [name, value] : up.parameters) (void)w.parameter_status(name, value);
    cancel_key_ = services_.cancel_keys.issue({up.process_id, up.secret_key});
    w.backend_key_data(cancel_key_->first, cancel_key_->second);
    w.ready_for_query(pg::TransactionStatus::idle);
    waiting_for_database_ = false;
    // Sent by the relay, after the messages the client pipelined behind its token went to the backend.
    greeting_ = after_held_request(w.data());
    audit("session_start", "");
    session_started_ = true;
    co_return std::move(acquired);
  }

  // A pooled backend takes its holder's claims setting, application_name and startup parameters (set_config
  // through the protocol: nothing the client wrote is spliced into SQL).
  static std::vector<std::pair<std::string, std::string>> holder_settings(const Config& config, const Identity& who,
                                                                          const pg::StartupMessage& startup) {
    std::vector<std::pair<std::string, std::string>> settings;
    if (!config.claims.setting.empty()) settings.emplace_back(config.claims.setting, who.claims_json);
    settings.emplace_back("application_name", std::string(startup.parameter("application_name").value_or("")));
    for (const auto& [name, value] : startup.parameters) {
      if (name != "user" && name != "database" && name != "application_name") settings.emplace_back(name, value);
    }
    return settings;
  }

  asio::awaitable<void> apply_holder_settings(Upstream& up, const Config& config, const Identity& who,
                                              const pg::StartupMessage& startup) {
    const auto settings = holder_settings(config, who, startup);
    co_await apply_settings(up, settings, std::chrono::milliseconds(5000));
  }

  // The warm path's claims row and settings (begin_holder), with the client's first messages behind them when it
  // sent some with its token (early_sent_: begin_holder_pipelined; they run only once the claims are in). Failing,
  // the login is refused and the backend, its answers possibly half-read, closed with it (never given back): no
  // armed row, or no edgepg.begin_session (a schema from before arming), is the claims channel's failure, told as
  // record_claims tells it; a setting's error keeps the server's SQLSTATE.
  asio::awaitable<void> begin_on_backend(Upstream& up, const Identity& who,
                                         const std::vector<std::pair<std::string, std::string>>& settings) {
    const bool prepared = up.holder_prepared == settings.size();
    const auto timeout = std::chrono::milliseconds(5000);
    std::optional<UpstreamError> failed;
    try {
      std::string started;
      if (early_sent_.empty()) {
        started = co_await begin_holder(up, who, settings, timeout);
      } else {
        started = co_await begin_holder_pipelined(up, who, settings, early_sent_, early_answered_, timeout);
        services_.metrics.first_query_pipelined();
      }
      backend_start_ = std::move(started);
      backend_pid_ = up.process_id;
      if (prepared) services_.metrics.holder_statement_prepared();
    } catch (const UpstreamError& e) {
      failed = e;
    }
    if (!failed) co_return;
    const bool unarmed = std::string_view(failed->what()).find(kUnarmed) != std::string_view::npos;
    if (unarmed || failed->sqlstate == "42883" || failed->sqlstate == "3F000") {
      throw Refused{"08004",
                    std::string("the gateway could not record the session's claims (is the current edgepg schema "
                                "installed? see edgepg-gateway --print-schema): ") +
                        failed->what(),
                    "claims"};
    }
    throw *failed;
  }

  // The client's messages read behind its login, framed again, appended to client_pending_.
  void take_pipelined() {
    pg::RawMessage m;
    while (frontend_.next(m) == pg::ParseStep::message) {
      const std::uint32_t len = static_cast<std::uint32_t>(m.body.size() + 4);
      client_pending_.push_back(static_cast<std::uint8_t>(m.type));
      for (int shift = 24; shift >= 0; shift -= 8) client_pending_.push_back(static_cast<std::uint8_t>(len >> shift));
      client_pending_.insert(client_pending_.end(), m.body.begin(), m.body.end());
    }
  }

  // Takes the client's pipelined messages and moves those up to and including its first Query or Sync into
  // early_sent_ (what may go behind its claims or settings: first_sync_point).
  void split_early(std::uint32_t max_length) {
    take_pipelined();
    const std::size_t cut = first_sync_point(client_pending_, max_length);
    early_sent_.assign(client_pending_.begin(), client_pending_.begin() + static_cast<std::ptrdiff_t>(cut));
    client_pending_.erase(client_pending_.begin(), client_pending_.begin() + static_cast<std::ptrdiff_t>(cut));
  }

  // The tamper-proof claims, written before the client can send anything to its backend; returns the row's
  // backend start (to remove it with the session).
  asio::awaitable<std::string> record_claims(const Config& config, const Upstream& up, const Identity& who) {
    try {
      std::string started = co_await services_.claims->record(config, up.process_id, who);
      co_return started;
    } catch (const PgClientError& e) {
      throw Refused{"08004",
                    std::string("the gateway could not record the session's claims (is the edgepg schema "
                                "installed? see edgepg-gateway --print-schema): ") +
                        e.what(),
                    "claims"};
    }
  }

  // Bytes both ways until either side ends (relay.hpp). Messages the client pipelined behind its password go first.
  asio::awaitable<void> relay(Upstream& up) {
    take_pipelined();
    RelayOptions options;
    options.idle_timeout = std::chrono::milliseconds(snap_.config->limits.idle_timeout_ms);
    options.max_message_bytes = static_cast<std::uint32_t>(snap_.config->limits.max_message_bytes);
    options.statements = snap_.config->audit.statements;
    options.on_statement = [this](std::string sql) { log_statement(std::move(sql)); };
    relay_.emplace(client_, up, std::move(options));
    // Named, then moved: a temporary built in the co_await expression is destroyed twice by GCC 12.
    RelayStart start{std::move(early_sent_), std::move(client_pending_), std::move(greeting_),
                     std::move(early_answered_)};
    co_await relay_->run(std::move(start));
  }

  // The role's password for a new upstream login, or the login's refusal.
  asio::awaitable<std::string> password_for_login(const std::string& role, const RoleCredentials& credentials) {
    RolePassword fetched =
        co_await fetch_role_password(services_, role, credentials, snap_.config->upstream, *snap_.tokens);
    if (fetched.password.empty()) refuse_credentials(role, fetched);
    co_return std::move(fetched.password);
  }

  // The gateway's own credentials, not the client's: 08004 whether a token service refused the gateway's workload
  // identity or a source cannot be read or reached (a 28000 would tell the client its own token is bad, and apps log
  // users out on that). The audit reason tells them apart; either way the operator must act.
  [[noreturn]] static void refuse_credentials(const std::string& role, const RolePassword& why) {
    throw Refused{"08004",
                  "the gateway has no usable credentials for role \"" + role + "\" (" + why.why + "); ask its operator",
                  why.refused ? "credentials_refused" : "credentials"};
  }

  // A warm backend (pool): an idle one of the role and database, or a new login while under pool.max; at max, wait
  // (within the login deadline) for one to come back. A warm backend needs no password: the role's is fetched (a
  // file read, or a token from a cloud) only for a new login.
  asio::awaitable<Upstream> acquire_pooled(const Config& config, UpstreamRequest req,
                                           const RoleCredentials& credentials) {
    pool_key_ = PoolKey{req.login.user, req.login.database};
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer wait(ex);
    for (int attempt = 0;; ++attempt) {
      auto taken = services_.pool->take_idle(*pool_key_, ex);
      if (taken && taken->upstream.armed && !(config.claims.sessions && services_.claims)) {
        // Armed while claims.sessions was on, handed out after a reload turned it off: nothing would fill its row,
        // and edgepg.begin_session (granted to every role) would let the holder fill it with claims of its own
        // choosing. Closed instead (the sweep removes the row).
        taken->upstream.transport.close();
        services_.pool->closed(*pool_key_);
        continue;
      }
      if (taken) {
        pool_slot_ = true;
        born_ = taken->born;
        co_return std::move(taken->upstream);
      }
      if (services_.pool->reserve(*pool_key_)) {
        pool_slot_ = true;  // freed by finish() unless the backend goes back
        born_ = Clock::now();
        std::string password = co_await password_for_login(req.login.user, credentials);
        req.login.password = std::move(password);
        Upstream fresh = co_await login_upstream(config.upstream, std::move(req));
        co_return fresh;
      }
      wait.expires_after(std::chrono::milliseconds(std::min(1 << std::min(attempt, 4), 20)));
      co_await wait.async_wait(use_awaitable);
    }
  }

  // After the client left: a backend idle between statements is reset (DISCARD ALL) and goes back to the pool;
  // anything else (a transaction, COPY, a statement in flight, a failed reset) is closed by finish().
  asio::awaitable<void> return_to_pool(Upstream& up) {
    if (!relay_ || !relay_->client_left() || !up.transport.socket().is_open() || !relay_->backend_reusable()) co_return;
    bool clean = false;
    try {
      co_await reset_backend(up, std::chrono::milliseconds(5000), warm_settings_);
      clean = true;
    } catch (const UpstreamError&) {
    }
    if (!clean) co_return;
    // The holder's claims row never goes back with the backend: cleared and armed for the next holder, or removed;
    // a backend whose row is neither is closed.
    if (!backend_start_.empty()) {
      const bool cleared = co_await clear_claims_row(up);  // named: see docs/GATEWAY.md on GCC 12 and co_await
      if (!cleared) co_return;
    }
    // The statement parsed for the next holder is closed by begin_holder only: a backend going back unarmed (its
    // next holder's row written by the admin connection instead) would keep it in its holder's sight.
    if (up.holder_prepared && !up.armed) co_return;
    services_.pool->give_back(*pool_key_, std::move(up), born_);
    pool_slot_ = false;
    given_back_ = true;
  }

  // Arms the row for the next holder, or (when arming failed) removes it. False when the row still holds this
  // holder's claims.
  asio::awaitable<bool> clear_claims_row(Upstream& up) {
    const bool armed = co_await arm_backend(services_, *snap_.config, up, pool_key_->role, backend_start_);
    if (armed) co_return true;
    const bool removed = co_await services_.claims->forget(*snap_.config, backend_pid_, backend_start_);
    co_return removed;
  }

  // The login's answer (its greeting or its refusal), after the password request held for a pipelined password.
  std::vector<std::uint8_t> after_held_request(std::span<const std::uint8_t> answer) {
    std::vector<std::uint8_t> out = std::move(held_request_);
    held_request_.clear();
    out.insert(out.end(), answer.begin(), answer.end());
    return out;
  }

  asio::awaitable<void> refuse(const Refused& r) {
    if (!r.sqlstate.empty()) {
      pg::BackendWriter w;
      (void)w.error_response(pg::ErrorSeverity::fatal, {r.sqlstate, r.message});
      const auto answer = after_held_request(w.data());
      bytes_out_ += answer.size();
      co_await client_.write(answer);
    }
    if (r.reason == "upstream_failed") {
      audit("upstream_failed", r.sqlstate);  // the database failed the client, the gateway did not refuse it
    } else if (r.reason != "client_gone") {
      audit(r.reason.rfind("ERR_", 0) == 0 ? "auth_failed" : "refused", r.reason);
    }
    if (!r.sqlstate.empty()) co_await drain_client();
  }

  // After a refusal's ErrorResponse: drop what the client is still sending (e.g. the rest of a 10 MB password) until
  // it closes, for at most kDrainTime. Closing a socket with unread input sends a TCP reset, and a reset can destroy
  // the error before the client has read it.
  asio::awaitable<void> drain_client() {
    constexpr auto kDrainTime = std::chrono::milliseconds(500);
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer deadline(ex, kDrainTime);
    auto drain = [this]() -> asio::awaitable<void> {
      while (co_await client_.read(buffer_) > 0) {
      }
    };
    co_await (drain() || deadline.async_wait(use_awaitable));
  }

  // The client's cancel key stops reaching its backend.
  void forget_cancel_key() {
    if (cancel_key_) services_.cancel_keys.forget(cancel_key_->first, cancel_key_->second);
    cancel_key_.reset();
  }

  void finish(const std::string& outcome) {
    client_.close();
    forget_cancel_key();
    if (pool_slot_) services_.pool->closed(*pool_key_);  // the backend was not given back: it closes with us
    if (session_started_) audit("session_end", "");
    services_.metrics.bytes(bytes_in(), bytes_out());
    services_.metrics.session_ended(outcome);
    services_.metrics.client_closed();
  }

  // audit.statements: one "statement" line per Query or Parse the client sent (its SQL, never Bind's values).
  void log_statement(std::string sql) {
    AuditEvent e;
    e.event = "statement";
    e.session = id_;
    e.client = info_.peer;
    e.listener = info_.listener;
    e.database = database_;
    if (identity_) {
      e.sub = identity_->sub;
      e.iss = identity_->iss;
      e.role = identity_->role;
    }
    e.sql = std::move(sql);
    services_.audit.write(e);
  }

  // Bytes of the whole session: the login's, then the relay's.
  [[nodiscard]] std::uint64_t bytes_in() const { return bytes_in_ + (relay_ ? relay_->bytes_in() : 0); }
  [[nodiscard]] std::uint64_t bytes_out() const { return bytes_out_ + (relay_ ? relay_->bytes_out() : 0); }

  void audit(const char* event, const std::string& reason) {
    AuditEvent e;
    e.event = event;
    e.session = id_;
    e.client = info_.peer;
    e.listener = info_.listener;
    e.database = database_;
    e.reason = reason;
    if (identity_) {
      e.sub = identity_->sub;
      e.iss = identity_->iss;
      e.role = identity_->role;
    }
    if (std::string_view(event) == "session_end") {
      e.duration_ms = elapsed_ms(started_);
      e.bytes_in = static_cast<std::int64_t>(bytes_in());
      e.bytes_out = static_cast<std::int64_t>(bytes_out());
      e.queries = relay_ ? relay_->queries() : 0;
    }
    services_.audit.write(e);
  }

  ClientStream& client_;
  ClientInfo info_;
  Services& services_;
  Services::Snapshot snap_;
  std::uint64_t id_;
  Clock::time_point started_;
  std::array<std::uint8_t, 16 * 1024> buffer_{};
  pg::StartupParser startup_;
  pg::FrontendParser frontend_;
  std::string user_, database_;
  std::optional<Identity> identity_;
  std::optional<std::size_t> warm_settings_;  // how many settings this holder has (the next likely has as many)
  bool waiting_for_database_ = false;         // the login waits for the upstream (its login, settings or claims row)
  bool session_started_ = false;              // audited session_start: session_end follows
  std::int32_t backend_pid_ = 0;
  std::string backend_start_;  // of the edgepg.sessions row, when claims.sessions is on
  std::uint64_t bytes_in_ = 0, bytes_out_ = 0;
  std::vector<std::uint8_t> greeting_;        // the login's answer to the client, written by the relay
  std::vector<std::uint8_t> client_pending_;  // the client's messages read behind its login, not yet forwarded
  std::vector<std::uint8_t> early_sent_;      // those of them the login sent behind the claims (warm path)
  std::vector<std::uint8_t> early_answered_;  // the backend's answers to them the login read
  std::vector<std::uint8_t> held_request_;    // AuthenticationCleartextPassword, when the password came pipelined
  std::optional<Relay> relay_;                // after the login
  std::optional<std::pair<std::int32_t, std::int32_t>> cancel_key_;  // what the client was given
  std::optional<PoolKey> pool_key_;
  bool pool_slot_ = false;   // this session holds a slot of the pool (its backend, or one logging in)
  bool given_back_ = false;  // its backend went back to the pool
  Clock::time_point born_;   // of the pooled backend
};

}  // namespace

asio::awaitable<void> run_session(ClientStream& client, ClientInfo info, Services& services) {
  Session session(client, std::move(info), services);
  co_await session.run();
}

// The call runs to its end even when the caller's deadline fires (a blocking call cannot be interrupted): co_spawn
// completes only then, so the references it uses stay valid.
asio::awaitable<bool> verify_token(Services& services, const IdentityVerifier& identity, std::string_view token,
                                   std::string_view requested_role, Identity& out, Refusal& refusal) {
  bool ok = false;
  if (!identity.may_block()) {
    ok = identity.verify(token, requested_role, out, refusal);
  } else if (const auto decided = identity.verify_if_cached(token, requested_role, out, refusal)) {
    ok = *decided;  // a token verified earlier under fresh keys: no hop to the blocking pool
  } else {
    ok = co_await asio::co_spawn(
        services.blocking,
        [&]() -> asio::awaitable<bool> { co_return identity.verify(token, requested_role, out, refusal); },
        use_awaitable);
  }
  if (ok && !out.anonymous) services.metrics.token_accepted(out.from_cache);
  co_return ok;
}

asio::awaitable<RolePassword> fetch_role_password(Services& services, const std::string& role,
                                                  const RoleCredentials& credentials, const UpstreamConfig& upstream,
                                                  const RoleTokens& tokens) {
  const bool may_block = credentials.rds_iam || credentials.cloudsql_iam || credentials.azure_entra;
  if (!may_block) co_return role_password(role, credentials, upstream, tokens);
  RolePassword fetched = co_await asio::co_spawn(
      services.blocking,
      [&]() -> asio::awaitable<RolePassword> { co_return role_password(role, credentials, upstream, tokens); },
      use_awaitable);
  co_return fetched;
}

asio::awaitable<bool> warm_identity(Services& services, const IdentityVerifier& identity, std::string& why) {
  if (!identity.may_block()) co_return identity.warm(why);
  const bool ok = co_await asio::co_spawn(
      services.blocking, [&]() -> asio::awaitable<bool> { co_return identity.warm(why); }, use_awaitable);
  co_return ok;
}

}  // namespace edgepg::gateway
