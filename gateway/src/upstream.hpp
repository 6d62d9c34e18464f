// The upstream login of a session: a TCP connection to PostgreSQL, logged in AS the mapped role with the gateway's
// own credentials (pg_client.hpp), within a deadline. What the client must see of its backend (parameter statuses,
// BackendKeyData) is kept for it; the socket is then the relay's.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"
#include "pg_client.hpp"
#include "transport.hpp"

namespace edgepg::gateway {

struct UpstreamRequest {
  LoginRequest login;
  std::chrono::milliseconds timeout{10'000};
};

struct Upstream {
  Transport transport;                                          // TCP, under TLS per upstream.sslmode
  std::vector<std::pair<std::string, std::string>> parameters;  // in the order the server sent them
  std::int32_t process_id = 0;
  std::int32_t secret_key = 0;
  bool armed = false;  // its claims row is armed for the next holder (ClaimsChannel::arm)
  // begin_holder's statement is parsed ahead for a holder with this many settings (reset_backend)
  std::optional<std::size_t> holder_prepared;
};

using UpstreamError = PgClientError;

asio::awaitable<Upstream> login_upstream(const UpstreamConfig& config, UpstreamRequest request);

// Sends a CancelRequest (pid, secret key) to the upstream, best effort.
asio::awaitable<void> cancel_upstream(const UpstreamConfig& config, std::int32_t process_id, std::int32_t secret_key);

// A value for the startup options parameter: -c name=value with PostgreSQL's escaping (backslash before spaces
// and backslashes), so a JSON document with spaces stays one setting.
std::string startup_setting(const std::string& name, const std::string& value);

}  // namespace edgepg::gateway
