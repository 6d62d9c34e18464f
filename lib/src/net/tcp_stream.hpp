// A TCP (or Unix-domain) socket with connect, read and write deadlines (non-blocking socket + poll).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stream.hpp"

namespace edgepg::net {

class TcpStream final : public Stream {
 public:
  // Resolves `host` and tries each address until one accepts before the deadline. A host starting with '/' is a
  // directory holding PostgreSQL's Unix socket ".s.PGSQL.<port>". Throws ENOTFOUND, ECONNREFUSED, ETIMEDOUT.
  static std::unique_ptr<TcpStream> connect(const std::string& host, std::uint16_t port, Deadline deadline);
  ~TcpStream() override;

  ByteView read(Deadline deadline) override;
  void write(ByteView data, Deadline deadline) override;
  void close() noexcept override;

 private:
  explicit TcpStream(int fd);
  void wait(short events, Deadline deadline, const char* what);

  int fd_ = -1;
  std::vector<std::uint8_t> buf_;
};

}  // namespace edgepg::net
