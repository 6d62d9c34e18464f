// What a session reads from and writes to its client: PostgreSQL bytes, whichever listener brought them (a TCP
// socket, or the payloads of WebSocket binary messages). Reads return 0 when the client is gone.
#pragma once

#include <asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace edgepg::gateway {

class ClientStream {
 public:
  virtual ~ClientStream() = default;
  virtual asio::awaitable<std::size_t> read(std::span<std::uint8_t> buffer) = 0;
  virtual asio::awaitable<void> write(std::span<const std::uint8_t> bytes) = 0;
  virtual void close() = 0;
  // Whether the bytes travel under TLS (wss://, or PostgreSQL's SSLRequest / direct TLS).
  [[nodiscard]] virtual bool secure() const = 0;
  // Whether start_tls can run: the listener has a certificate and the stream is not under TLS yet.
  [[nodiscard]] virtual bool tls_available() const = 0;
  // PostgreSQL's SSLRequest answered 'S', or a direct-TLS ClientHello (`early`, already read): the TLS handshake on
  // this stream. False when the stream has no TLS to offer or the handshake failed (then why() says why).
  virtual asio::awaitable<bool> start_tls(std::span<const std::uint8_t> early) = 0;
  // The ALPN protocol the client's TLS handshake selected ("" when none).
  [[nodiscard]] virtual std::string alpn() const = 0;
  [[nodiscard]] virtual std::string why() const = 0;
};

}  // namespace edgepg::gateway
