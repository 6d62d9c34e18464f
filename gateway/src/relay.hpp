// The relay of a session after its login: bytes both ways between the client and its backend until either side
// ends, with what it learns on the way (protocol_tracker.hpp): the client's queries and statements, whether the
// backend was left idle between statements (the pool's test), and limits.idle_timeout_ms (a FATAL 57P05 to the
// client at a message boundary). Buffers: 16 KiB from the client; from the backend two that start at 16 KiB and
// double up to 256 KiB while reads fill them (one read runs while the previous chunk is written: backpressure holds,
// one chunk in flight).
#pragma once

#include <asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "client_stream.hpp"
#include "protocol_tracker.hpp"
#include "upstream.hpp"

namespace edgepg::gateway {

struct RelayOptions {
  std::chrono::milliseconds idle_timeout{0};  // 0: none
  std::uint32_t max_message_bytes = 0;        // a client message announcing more ends the session (08P01); 0: any
  bool statements = false;                    // collect each Query/Parse's SQL for on_statement
  std::function<void(std::string sql)> on_statement;
};

// What the login leaves the relay.
struct RelayStart {
  std::vector<std::uint8_t> sent;      // the client's messages the login already put on the backend (behind its claims)
  std::vector<std::uint8_t> pending;   // the client's messages read behind its login, forwarded first
  std::vector<std::uint8_t> greeting;  // the login's answer (AuthenticationOk ... ReadyForQuery)
  std::vector<std::uint8_t> answered;  // the backend's first answers to `sent`, read by the login
};

class Relay {
 public:
  Relay(ClientStream& client, Upstream& upstream, RelayOptions options)
      : client_(client), up_(upstream), options_(std::move(options)) {}

  // `start.pending` goes to the backend first; then the client gets `start.greeting` (not seen by the tracker: it is
  // the gateway's) and `start.answered` in one write, so the backend works on the first query while the client reads
  // its login. The tracker sees `sent` and `answered` as if relayed.
  asio::awaitable<void> run(RelayStart start);

  // The relay ended because the client left (EOF, Terminate, or the idle timeout), not the backend.
  [[nodiscard]] bool client_left() const noexcept { return client_left_; }
  // The backend is idle between statements with nothing in flight: it may be reset and reused.
  [[nodiscard]] bool backend_reusable() const { return idle_between_statements(frontend_, backend_); }
  [[nodiscard]] bool client_terminated() const noexcept { return frontend_.terminated(); }
  // The relay ended the session with an ErrorResponse of its own (a message over max_message_bytes).
  [[nodiscard]] bool refused_message() const noexcept { return frontend_.oversized(); }
  [[nodiscard]] std::int64_t queries() const noexcept { return frontend_.queries(); }
  [[nodiscard]] std::uint64_t bytes_in() const noexcept { return bytes_in_; }
  [[nodiscard]] std::uint64_t bytes_out() const noexcept { return bytes_out_; }

 private:
  using Clock = std::chrono::steady_clock;
  asio::awaitable<void> client_to_upstream();
  asio::awaitable<void> upstream_to_client();
  asio::awaitable<void> idle_watch();
  asio::awaitable<void> end_oversized();
  void pass_statements();

  ClientStream& client_;
  Upstream& up_;
  RelayOptions options_;
  FrontendTracker frontend_;
  BackendTracker backend_;
  std::uint64_t bytes_in_ = 0, bytes_out_ = 0;
  bool client_left_ = false;
  bool idle_timed_out_ = false;
  Clock::time_point last_activity_ = Clock::now();
};

}  // namespace edgepg::gateway
