// A loopback TCP socket on a free port for the e2e tests' unreachable and silent servers.
#pragma once

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace edgepg::e2e {

// A loopback TCP socket on a free port: listening (connections complete in the backlog and nothing ever answers) or
// closed again at once (connections are refused).
struct LoopbackPort {
  int fd = -1;
  int port = 0;
  explicit LoopbackPort(bool listen_on) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
    if (listen_on) {
      REQUIRE(::listen(fd, 16) == 0);
    } else {
      ::close(fd);
      fd = -1;
    }
  }
  ~LoopbackPort() {
    if (fd >= 0) ::close(fd);
  }
  LoopbackPort(const LoopbackPort&) = delete;
  LoopbackPort& operator=(const LoopbackPort&) = delete;
};

}  // namespace edgepg::e2e
