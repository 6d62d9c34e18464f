// GET /healthz (the process is up), /readyz (the upstream answers and the identity keys are loaded), /metrics
// (Prometheus text). Anything else is 404; requests are bounded and one per connection.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <functional>
#include <string>

namespace edgepg::gateway {

struct HttpRoutes {
  std::function<std::string()> metrics;
  std::function<asio::awaitable<bool>(std::string& why)> ready;
};

asio::awaitable<void> serve_http(asio::ip::tcp::socket socket, const HttpRoutes& routes);

}  // namespace edgepg::gateway
