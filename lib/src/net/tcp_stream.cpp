#include "tcp_stream.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "edgepg/error.hpp"

namespace edgepg::net {
namespace {

constexpr std::size_t read_buffer_size = 128 * 1024;

int poll_timeout_ms(Deadline deadline) {
  if (deadline == no_deadline) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return 0;
  return left > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left);
}

int open_socket(int family) {
  const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    throw Error(ErrorCode::connection_refused, std::string("cannot create a socket: ") + std::strerror(errno));
  return fd;
}

// Non-blocking connect to one address; returns 0 or the errno that failed it. ETIMEDOUT when the deadline passed.
int connect_one(int fd, const sockaddr* addr, socklen_t len, Deadline deadline) {
  if (::connect(fd, addr, len) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  pollfd p{fd, POLLOUT, 0};
  for (;;) {
    const int r = ::poll(&p, 1, poll_timeout_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return ETIMEDOUT;
    if (r < 0) return errno;
    break;
  }
  int err = 0;
  socklen_t err_len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0) return errno;
  return err;
}

[[noreturn]] void throw_connect_error(int err, const std::string& where) {
  if (err == ETIMEDOUT) throw Error(ErrorCode::timed_out, "connecting to " + where + " timed out");
  throw Error(ErrorCode::connection_refused, "cannot connect to " + where + ": " + std::strerror(err));
}

}  // namespace

TcpStream::TcpStream(int fd) : fd_(fd), buf_(read_buffer_size) {}

TcpStream::~TcpStream() { close(); }

std::unique_ptr<TcpStream> TcpStream::connect(const std::string& host, std::uint16_t port, Deadline deadline) {
  if (!host.empty() && host.front() == '/') {
    const std::string path = host + "/.s.PGSQL." + std::to_string(port);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
      throw Error(ErrorCode::invalid_argument, "Unix socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = open_socket(AF_UNIX);
    if (const int err = connect_one(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr, deadline); err != 0) {
      ::close(fd);
      throw_connect_error(err, path);
    }
    return std::unique_ptr<TcpStream>(new TcpStream(fd));
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list); rc != 0) {
    throw Error(ErrorCode::host_not_found, "cannot resolve host \"" + host + "\": " + ::gai_strerror(rc));
  }
  int last_err = ECONNREFUSED;
  const std::string where = host + ":" + service;
  for (addrinfo* ai = list; ai; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      last_err = errno;
      continue;
    }
    last_err = connect_one(fd, ai->ai_addr, ai->ai_addrlen, deadline);
    if (last_err == 0) {
      ::freeaddrinfo(list);
      // Each query leaves as one write and waits for the answer: Nagle's delay would only add latency.
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
      return std::unique_ptr<TcpStream>(new TcpStream(fd));
    }
    ::close(fd);
    if (last_err == ETIMEDOUT) break;
  }
  ::freeaddrinfo(list);
  throw_connect_error(last_err, where);
}

void TcpStream::wait(short events, Deadline deadline, const char* what) {
  pollfd p{fd_, events, 0};
  for (;;) {
    const int r = ::poll(&p, 1, poll_timeout_ms(deadline));
    if (r > 0) return;
    if (r == 0) throw Error(ErrorCode::timed_out, std::string(what) + " timed out");
    if (errno != EINTR)
      throw Error(ErrorCode::connection_reset, std::string(what) + " failed: " + std::strerror(errno));
  }
}

ByteView TcpStream::read(Deadline deadline) {
  if (fd_ < 0) throw Error(ErrorCode::closed, "the connection is closed");
  for (;;) {
    const ssize_t n = ::recv(fd_, buf_.data(), buf_.size(), 0);
    if (n > 0) return {buf_.data(), static_cast<std::size_t>(n)};
    if (n == 0) return {};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait(POLLIN, deadline, "reading from the server");
      continue;
    }
    throw Error(ErrorCode::connection_reset, std::string("reading from the server failed: ") + std::strerror(errno));
  }
}

void TcpStream::write(ByteView data, Deadline deadline) {
  if (fd_ < 0) throw Error(ErrorCode::closed, "the connection is closed");
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      data = data.subspan(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait(POLLOUT, deadline, "writing to the server");
      continue;
    }
    if (errno == EPIPE) throw Error(ErrorCode::closed, "the server closed the connection");
    throw Error(ErrorCode::connection_reset, std::string("writing to the server failed: ") + std::strerror(errno));
  }
}

void TcpStream::close() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace edgepg::net
