#include "relay.hpp"

#include <algorithm>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <span>

#include "edgepg/pg/backend_writer.hpp"

namespace edgepg::gateway {

using asio::use_awaitable;
using namespace asio::experimental::awaitable_operators;

void Relay::pass_statements() {
  if (!options_.statements || !options_.on_statement) return;
  for (auto& sql : frontend_.take_statements()) options_.on_statement(std::move(sql));
}

asio::awaitable<void> Relay::run(RelayStart start) {
  last_activity_ = Clock::now();
  if (options_.statements) frontend_.collect_statements(4096);
  if (options_.max_message_bytes > 0) frontend_.limit_message_size(options_.max_message_bytes);
  (void)frontend_.scan(start.sent);  // whole messages under the limit, no Terminate (the login's split)
  std::vector<std::uint8_t>& pending = start.pending;
  pending.resize(frontend_.scan(pending));  // up to a pipelined Terminate, which the backend never sees
  pass_statements();
  if (!pending.empty()) {
    const bool sent = co_await up_.transport.write_all(pending);
    if (!sent) co_return;
  }
  std::vector<std::uint8_t>& to_client = start.greeting;
  if (!start.answered.empty()) {
    backend_.scan(start.answered);
    to_client.insert(to_client.end(), start.answered.begin(), start.answered.end());
  }
  if (!to_client.empty()) {
    bytes_out_ += to_client.size();
    co_await client_.write(to_client);
  }
  if (frontend_.terminated() || frontend_.oversized()) {
    co_await end_oversized();
    client_left_ = true;
    co_return;
  }
  if (options_.idle_timeout.count() > 0) {
    co_await (client_to_upstream() || upstream_to_client() || idle_watch());
  } else {
    co_await (client_to_upstream() || upstream_to_client());
  }
  if (frontend_.oversized()) {
    co_await end_oversized();
    client_left_ = true;
    co_return;
  }
  if (idle_timed_out_) {
    // At a message boundary (the watch saw both streams between statements): the client gets PostgreSQL's own
    // idle_session_timeout answer; its backend, idle, may go back to the pool.
    pg::BackendWriter w;
    (void)w.error_response(pg::ErrorSeverity::fatal,
                           {"57P05",
                            "terminating connection due to idle-session timeout (the gateway's "
                            "limits.idle_timeout_ms); reconnect"});
    bytes_out_ += w.data().size();
    co_await client_.write(w.data());
    client_left_ = true;
  }
}

// A client message over limits.max_message_bytes (or with a length under 4) was not forwarded: the client gets
// PostgreSQL's answer to an invalid message length, and the session ends.
asio::awaitable<void> Relay::end_oversized() {
  if (!frontend_.oversized()) co_return;
  pg::BackendWriter w;
  (void)w.error_response(
      pg::ErrorSeverity::fatal,
      {"08P01",
       "invalid message length: the client announced a message of " + std::to_string(frontend_.oversized_length()) +
           " bytes, and the gateway's limits.max_message_bytes is " + std::to_string(options_.max_message_bytes)});
  bytes_out_ += w.data().size();
  co_await client_.write(w.data());
}

// Ends the relay once the session has been idle between statements (nothing in flight, no transaction) with no byte
// either way for the limit. A long query or an open transaction is never idle.
asio::awaitable<void> Relay::idle_watch() {
  const auto limit = options_.idle_timeout;
  asio::steady_timer tick(co_await asio::this_coro::executor);
  for (;;) {
    tick.expires_after(
        std::min<std::chrono::milliseconds>(limit / 4 + std::chrono::milliseconds(1), std::chrono::milliseconds(1000)));
    co_await tick.async_wait(use_awaitable);
    if (backend_reusable() && Clock::now() - last_activity_ >= limit) {
      idle_timed_out_ = true;
      co_return;
    }
  }
}

asio::awaitable<void> Relay::client_to_upstream() {
  std::vector<std::uint8_t> buf(16 * 1024);  // clients send small messages; memory per session matters more
  for (;;) {
    const auto n = co_await client_.read(buf);
    if (n == 0) break;
    bytes_in_ += n;
    last_activity_ = Clock::now();
    const std::size_t forward = frontend_.scan({buf.data(), n});
    pass_statements();
    if (forward > 0) {
      const std::span<const std::uint8_t> chunk(buf.data(), forward);
      const bool sent = co_await up_.transport.write_all(chunk);
      if (!sent) co_return;
    }
    if (frontend_.terminated()) break;
    if (frontend_.oversized()) co_return;  // run() answers it
  }
  client_left_ = true;
}

asio::awaitable<void> Relay::upstream_to_client() {
  constexpr std::size_t kMaxChunk = 256 * 1024;
  std::vector<std::uint8_t> current(16 * 1024), next(16 * 1024);
  const auto read = [this](std::vector<std::uint8_t>& into) -> asio::awaitable<std::size_t> {
    const std::size_t n = co_await up_.transport.read_some(into);
    co_return n;
  };
  std::size_t n = co_await read(current);
  while (n > 0) {
    bytes_out_ += n;
    last_activity_ = Clock::now();
    const std::span<const std::uint8_t> chunk(current.data(), n);
    backend_.scan(chunk);
    if (n == current.size() && next.size() < std::min(2 * current.size(), kMaxChunk)) {
      next.resize(std::min(2 * current.size(), kMaxChunk));
    }
    if (n < current.size()) {
      // A read that did not fill the buffer: the backend has likely said all it had (a short answer), so there is
      // nothing to overlap: write, then read (no parallel group per round trip).
      co_await client_.write(chunk);
      n = co_await read(current);
      continue;
    }
    // A full buffer: more is probably waiting; read it while this chunk goes out.
    const std::size_t m = co_await (client_.write(chunk) && read(next));
    std::swap(current, next);
    n = m;
  }
}

}  // namespace edgepg::gateway
