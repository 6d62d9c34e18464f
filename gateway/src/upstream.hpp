// The upstream login: a TCP connection to PostgreSQL, logged in AS the mapped role with the gateway's own
// credentials, through the core's frontend state machine (SCRAM with the server's signature verified). What the
// client must see of its backend (parameter statuses, BackendKeyData) is kept for it.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"

namespace edgepg::gateway {

struct UpstreamRequest {
  std::string user;      // the mapped role
  std::string password;  // wiped by the core once used
  std::string database;
  std::string application_name;
  std::string options;  // the startup "options" (claims as -c setting=json)
  std::chrono::milliseconds timeout{10'000};
};

struct Upstream {
  asio::ip::tcp::socket socket;
  std::vector<std::pair<std::string, std::string>> parameters;  // in the order the server sent them
  std::int32_t process_id = 0;
  std::int32_t secret_key = 0;
};

// A failed login: the SQLSTATE the client gets (08006 unreachable, 57P03 not accepting, 08004 refused) and why.
struct UpstreamError : std::runtime_error {
  UpstreamError(std::string sqlstate_, const std::string& message)
      : std::runtime_error(message), sqlstate(std::move(sqlstate_)) {}
  std::string sqlstate;
};

asio::awaitable<Upstream> login_upstream(const UpstreamConfig& config, UpstreamRequest request);

// Sends a CancelRequest (pid, secret key) to the upstream, best effort.
asio::awaitable<void> cancel_upstream(const UpstreamConfig& config, std::int32_t process_id, std::int32_t secret_key);

// A value for the startup options parameter: -c name=value with PostgreSQL's escaping (backslash before spaces
// and backslashes), so a JSON document with spaces stays one setting.
std::string startup_setting(const std::string& name, const std::string& value);

}  // namespace edgepg::gateway
