#include "http_listener.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

namespace edgepg::gateway {
namespace {

std::string answer(int status, const char* reason, const std::string& type, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

asio::awaitable<void> serve_http(asio::ip::tcp::socket socket, const HttpRoutes& routes) {
  using asio::experimental::as_tuple;
  asio::streambuf head(8192);  // a request head over 8 KiB is refused
  auto [err, n] = co_await asio::async_read_until(socket, head, "\r\n\r\n", as_tuple(asio::use_awaitable));
  if (err) co_return;
  std::string line(asio::buffers_begin(head.data()), asio::buffers_begin(head.data()) + static_cast<std::ptrdiff_t>(n));
  line = line.substr(0, line.find("\r\n"));
  std::string reply;
  if (line.rfind("GET ", 0) != 0) {
    reply = answer(405, "Method Not Allowed", "text/plain", "only GET\n");
  } else {
    const std::string target = line.substr(4, line.find(' ', 4) - 4);
    if (target == "/healthz") {
      reply = answer(200, "OK", "text/plain", "ok\n");
    } else if (target == "/readyz") {
      std::string why;
      const bool ready = co_await routes.ready(why);
      reply = ready ? answer(200, "OK", "text/plain", "ready\n")
                    : answer(503, "Service Unavailable", "text/plain", why + "\n");
    } else if (target == "/metrics") {
      reply = answer(200, "OK", "text/plain; version=0.0.4", routes.metrics());
    } else {
      reply = answer(404, "Not Found", "text/plain", "try /healthz, /readyz or /metrics\n");
    }
  }
  co_await asio::async_write(socket, asio::buffer(reply), as_tuple(asio::use_awaitable));
  asio::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

}  // namespace edgepg::gateway
