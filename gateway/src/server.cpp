#include "server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <iostream>
#include <thread>

#include "edgepg/ws/server_codec.hpp"
#include "http_listener.hpp"
#include "session.hpp"
#include "streams.hpp"
#include "transport.hpp"
#include "upstream.hpp"

namespace edgepg::gateway {
namespace {

using asio::use_awaitable;
using asio::experimental::as_tuple;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

std::string peer_of(const tcp::socket& s) {
  asio::error_code ec;
  const auto ep = s.remote_endpoint(ec);
  return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

bool loopback(const tcp::socket& s) {
  asio::error_code ec;
  const auto ep = s.remote_endpoint(ec);
  return !ec && ep.address().is_loopback();
}

asio::awaitable<void> write_text(Transport& transport, const std::string& text) {
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  (void)co_await transport.write_all(bytes);
  transport.write_and_close({});
}

// The HTTP upgrade (any path; ?address= checked against upstream.allow_addresses; a Bearer header verified), then
// the session over WebSocket binary messages.
asio::awaitable<void> serve_websocket(tcp::socket socket, Services& services) {
  const auto snap = services.snapshot();
  ClientInfo info{"websocket", peer_of(socket), false, loopback(socket), std::nullopt};
  Transport transport(std::move(socket));
  ws::UpgradeRequestParser parser;
  std::array<std::uint8_t, 8192> buf{};
  std::vector<std::uint8_t> early;
  asio::steady_timer deadline(transport.socket().get_executor(),
                              std::chrono::milliseconds(snap.config->limits.auth_timeout_ms));
  deadline.async_wait([&transport](asio::error_code ec) {
    if (!ec) transport.socket().close(ec);  // a silent or slow client (slowloris) loses its socket
  });
  if (snap.tls.websocket) {  // wss:// only: the upgrade request (and its Bearer token) never travels in the clear
    const std::vector<std::uint8_t> none;
    const bool ok = co_await transport.accept_tls(*snap.tls.websocket, none);
    if (!ok) co_return;
    info.secure = true;
  }
  for (;;) {
    const std::size_t n = co_await transport.read_some(buf);
    if (n == 0) co_return;
    ws::Bytes rest;
    const auto step = parser.feed({buf.data(), n}, rest);
    if (step == ws::HandshakeStep::need_more) continue;
    if (step != ws::HandshakeStep::done) {
      std::string out;
      (void)ws::build_error_response(parser.upgrade_error(), out);
      co_await write_text(transport, out);
      co_return;
    }
    early.assign(rest.begin(), rest.end());
    break;
  }
  const auto& request = parser.request();
  std::optional<std::string> address;
  if (!request.query_param("address", address)) {
    std::string out;
    (void)ws::build_error_response({400, "the address parameter appears more than once"}, out);
    co_await write_text(transport, out);
    co_return;
  }
  const auto& allowed = snap.config->upstream.allow_addresses;
  if (address && std::find(allowed.begin(), allowed.end(), *address) == allowed.end()) {
    std::string out;
    (void)ws::build_error_response({403, "this gateway does not serve that address (upstream.allow_addresses)"}, out);
    co_await write_text(transport, out);
    services.metrics.session_ended("refused");
    co_return;
  }
  if (request.bearer_token) {
    Identity who;
    Refusal refusal;
    const bool verified = co_await verify_token(services, *snap.identity, *request.bearer_token, "", who, refusal);
    if (!verified) {
      services.metrics.auth_failed(refusal.code);
      AuditEvent e;
      e.event = "auth_failed";
      e.session = services.next_session.fetch_add(1);
      e.client = info.peer;
      e.listener = "websocket";
      e.reason = refusal.code;
      services.audit.write(e);
      const std::string challenge =
          "Bearer realm=\"edgepg\", error=\"invalid_token\", error_description=\"" + refusal.code + "\"";
      std::string out;
      (void)ws::build_error_response({401, refusal.code + ": " + refusal.message, challenge}, out);
      co_await write_text(transport, out);
      co_return;
    }
    info.bearer = *request.bearer_token;
  }
  std::string accept;
  if (!ws::build_accept_response(request, {}, accept)) co_return;
  const std::span<const std::uint8_t> accept_bytes(reinterpret_cast<const std::uint8_t*>(accept.data()), accept.size());
  const bool sent = co_await transport.write_all(accept_bytes);
  if (!sent) co_return;
  deadline.cancel();  // from here the session's own login deadline applies
  asio::error_code ignored;
  transport.socket().set_option(tcp::no_delay(true), ignored);
  WebSocketClientStream stream(std::move(transport), snap.config->limits.max_message_bytes, std::move(early));
  co_await run_session(stream, std::move(info), services);
}

asio::awaitable<void> serve_postgres(tcp::socket socket, Services& services) {
  asio::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  ClientInfo info{"postgres", peer_of(socket), false, loopback(socket), std::nullopt};
  TcpClientStream stream(Transport(std::move(socket)), services.snapshot().tls.postgres);
  co_await run_session(stream, std::move(info), services);
}

// Is the upstream answering, and are the identity keys loaded?
asio::awaitable<bool> readiness(Services& services, std::string& why) {
  const auto snap = services.snapshot();
  const bool warm = co_await warm_identity(services, *snap.identity, why);
  if (!warm) co_return false;
  tcp::resolver resolver(co_await asio::this_coro::executor);
  auto [rerr, endpoints] = co_await resolver.async_resolve(
      snap.config->upstream.host, std::to_string(snap.config->upstream.port), as_tuple(use_awaitable));
  if (rerr) {
    why = "the upstream host does not resolve";
    co_return false;
  }
  tcp::socket probe(co_await asio::this_coro::executor);
  auto [cerr, ep] = co_await asio::async_connect(probe, endpoints, as_tuple(use_awaitable));
  if (cerr) {
    why = "the upstream is unreachable";
    co_return false;
  }
  co_return true;
}

struct Listener {
  std::string name;
  std::string host;  // as configured
  tcp::acceptor acceptor;
};

}  // namespace

ListenerTls load_listener_tls(const Config& config) {
  ListenerTls tls;
  if (!config.listen.tls) return tls;
  const auto& files = *config.listen.tls;
  for (auto [slot, alpn] : {std::pair{&tls.postgres, "postgresql"}, std::pair{&tls.websocket, "http/1.1"}}) {
    const Status s = crypto::TlsServerContext::create(files.cert_file, files.key_file, {alpn}, *slot);
    if (!s.ok()) throw ConfigError("listen.tls: " + s.message());
  }
  return tls;
}

int run_server(const std::string& config_path) {
  Config config = load_config(config_path);
  auto identity = std::make_shared<const IdentityVerifier>(config.identity, jwks_timeout(config));
  std::string why;
  if (!identity->warm(why)) std::cerr << "edgepg-gateway: the identity keys are not loaded yet: " << why << "\n";
  Services services(config, identity, load_listener_tls(config));

  // One io_context per core, each run by one thread; a connection lives on one of them (round robin), so its relay
  // never hops between threads. The first one also runs the acceptors, the signals and the claims channel.
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (unsigned i = 0; i < threads; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  asio::io_context& io = *contexts.front();
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_alive;
  for (auto& c : contexts) keep_alive.push_back(asio::make_work_guard(*c));
  std::atomic<unsigned> next_context{0};
  services.claims = std::make_unique<ClaimsChannel>(io.get_executor());
  asio::steady_timer pool_sweep(io);
  std::function<void(asio::error_code)> sweep_pool = [&](asio::error_code ec) {
    if (ec) return;
    services.pool->sweep();  // idle_timeout_ms, max_lifetime_ms, backends that died while idle
    pool_sweep.expires_after(std::chrono::seconds(1));
    pool_sweep.async_wait(sweep_pool);
  };
  if (config.pool) {
    services.pool = std::make_unique<BackendPool>(*config.pool);
    sweep_pool({});
  }
  std::vector<std::unique_ptr<Listener>> listeners;
  const auto listen = [&](const std::optional<Endpoint>& at, const char* name) {
    if (!at) return;
    tcp::endpoint ep(asio::ip::make_address(at->host), at->port);
    listeners.push_back(std::make_unique<Listener>(Listener{name, at->host, tcp::acceptor(io, ep)}));
  };
  listen(config.listen.websocket, "websocket");
  listen(config.listen.postgres, "postgres");
  listen(config.listen.http, "http");

  HttpRoutes routes{[&services] { return services.metrics.text(); },
                    [&services](std::string& w) { return readiness(services, w); }};
  for (auto& l : listeners) {
    asio::co_spawn(
        io,
        [&contexts, &next_context, &l = *l, &services, &routes]() -> asio::awaitable<void> {
          for (;;) {
            auto& target = *contexts[next_context.fetch_add(1) % contexts.size()];
            auto [err, socket] = co_await l.acceptor.async_accept(target, as_tuple(use_awaitable));
            if (err) {
              if (!l.acceptor.is_open()) co_return;
              continue;  // e.g. out of file descriptors: keep serving the others
            }
            auto ex = socket.get_executor();
            if (l.name == "websocket") {
              asio::co_spawn(ex, serve_websocket(std::move(socket), services), asio::detached);
            } else if (l.name == "postgres") {
              asio::co_spawn(ex, serve_postgres(std::move(socket), services), asio::detached);
            } else {
              asio::co_spawn(ex, serve_http(std::move(socket), routes), asio::detached);
            }
          }
        },
        asio::detached);
  }

  // After SIGTERM/SIGINT: every 50 ms, are the sessions gone (or drain_timeout_ms over)? Then everything stops.
  // (Locals, like the pool's sweep: a self-owning handler would never be freed.)
  asio::steady_timer drain_timer(io);
  std::chrono::steady_clock::time_point drain_started;
  std::function<void(asio::error_code)> drain_poll = [&](asio::error_code ec) {
    if (ec) return;  // a wait replaced by a newer one
    const bool timed_out =
        std::chrono::steady_clock::now() - drain_started >= std::chrono::milliseconds(config.limits.drain_timeout_ms);
    if (services.metrics.clients() == 0 || timed_out) {
      for (auto& c : contexts) c->stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(50));
    drain_timer.async_wait(drain_poll);
  };
  asio::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
  std::function<void(asio::error_code, int)> on_signal = [&](asio::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      try {
        Config fresh = load_config(config_path);
        auto fresh_identity = std::make_shared<const IdentityVerifier>(fresh.identity, jwks_timeout(fresh));
        ListenerTls fresh_tls = load_listener_tls(fresh);  // a renewed certificate applies to new connections
        services.replace(std::move(fresh), std::move(fresh_identity), std::move(fresh_tls));
        std::cerr << "edgepg-gateway: configuration reloaded\n";
      } catch (const std::exception& e) {
        std::cerr << "edgepg-gateway: reload refused, the old configuration stays: " << e.what() << "\n";
      }
      signals.async_wait(on_signal);
      return;
    }
    // Drain: no new connections; sessions end on their own until drain_timeout_ms, then everything stops.
    for (auto& l : listeners) l->acceptor.close();
    pool_sweep.cancel();
    drain_started = std::chrono::steady_clock::now();
    drain_poll({});
  };
  signals.async_wait(on_signal);

  // Ready: the listeners are bound and the signals handled (a SIGHUP before this point would end the process). The
  // port bound, not the one asked for: with port 0 the system picks a free one and this line says which.
  for (const auto& l : listeners) {
    const Endpoint bound{l->host, l->acceptor.local_endpoint().port()};
    std::cerr << "edgepg-gateway: " << l->name << " listener on " << bound.text() << "\n";
  }

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([c = contexts[i].get()] { c->run(); });
  io.run();
  for (auto& t : pool) t.join();
  // A key fetch still running refers to its session's frame: let it end before the io_contexts (and the frames
  // they hold) go.
  services.blocking.join();
  // The claims channel's and the pool's sockets and strands belong to the io_contexts, which go before `services`:
  // they go first (freed after them, they touched freed memory: AddressSanitizer at every exit).
  services.pool.reset();
  services.claims.reset();
  return 0;
}

}  // namespace edgepg::gateway
