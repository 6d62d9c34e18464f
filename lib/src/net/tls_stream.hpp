// TLS over any Stream (a TCP socket after PostgreSQL's SSLRequest, or a wss:// proxy's socket), through the
// sans-IO crypto::TlsSession.
#pragma once

#include <memory>
#include <vector>

#include "crypto/tls.hpp"
#include "stream.hpp"

namespace edgepg::net {

class TlsStream final : public Stream {
 public:
  // Runs the handshake over `inner`. Throws ECERT (certificate refused), ETLS (handshake failed), EINVAL (root
  // certificate file unreadable), ETIMEDOUT, ECONNCLOSED.
  static std::unique_ptr<TlsStream> handshake(std::unique_ptr<Stream> inner, const crypto::TlsConfig& config,
                                              Deadline deadline);
  ~TlsStream() override;

  ByteView read(Deadline deadline) override;
  void write(ByteView data, Deadline deadline) override;
  void close() noexcept override;

 private:
  TlsStream(std::unique_ptr<Stream> inner, std::unique_ptr<crypto::TlsSession> session);
  void flush(Deadline deadline);
  [[noreturn]] void throw_error() const;

  std::unique_ptr<Stream> inner_;
  std::unique_ptr<crypto::TlsSession> session_;
  std::vector<std::uint8_t> out_;
  std::vector<std::uint8_t> buf_;
};

}  // namespace edgepg::net
