// A client connection's byte transport: the TCP socket, and TLS over it once a handshake succeeded (the sans-IO
// crypto::TlsSession: OpenSSL stays in lib/src/crypto). Reads and writes may run at the same time (the relay's two
// directions); one writer at a time puts ciphertext on the socket, the other's output waits in the session for it.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/tls.hpp"

namespace edgepg::gateway {

class Transport {
 public:
  explicit Transport(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

  // A connection taken apart for keeping without an executor (the pool): the socket's handle and the TLS session
  // (sans-IO: it belongs to no thread). adopt() puts it back together on another executor.
  struct Detached {
    int fd = -1;
    bool v6 = false;
    std::unique_ptr<crypto::TlsSession> tls;
  };
  // False when the socket cannot be released (then it is closed).
  bool detach(Detached& out);
  static bool adopt(const asio::any_io_executor& ex, Detached detached, std::optional<Transport>& out);

  // The client side of a TLS handshake (the upstream after PostgreSQL's 'S'). False when it fails (why()).
  asio::awaitable<bool> connect_tls(const crypto::TlsConfig& config);
  // The server side of a TLS handshake. `early`: ciphertext already read from the socket (a direct-TLS ClientHello).
  // False when it fails (why() says why, without secrets); the caller closes the connection.
  asio::awaitable<bool> accept_tls(const crypto::TlsServerContext& context, std::span<const std::uint8_t> early);
  [[nodiscard]] bool secure() const noexcept { return tls_ != nullptr; }
  // The ALPN protocol the TLS handshake selected ("" when none, or in the clear).
  [[nodiscard]] std::string alpn() const { return tls_ ? tls_->alpn() : std::string(); }
  [[nodiscard]] const std::string& why() const noexcept { return why_; }

  // Some bytes (plaintext after TLS); 0 when the peer is gone or the stream broke.
  asio::awaitable<std::size_t> read_some(std::span<std::uint8_t> buffer);
  // All of `bytes`; false when the connection failed.
  asio::awaitable<bool> write_all(std::span<const std::uint8_t> bytes);
  // A last write without waiting for the event loop (a Close frame, an error before closing), then close.
  void write_and_close(std::span<const std::uint8_t> bytes);
  void close();

  [[nodiscard]] asio::ip::tcp::socket& socket() noexcept { return socket_; }

 private:
  asio::awaitable<bool> flush();      // the session's pending ciphertext to the socket
  asio::awaitable<bool> handshake();  // both roles: until done or failed

  asio::ip::tcp::socket socket_;
  std::unique_ptr<crypto::TlsSession> tls_;
  std::vector<std::uint8_t> cipher_in_;
  std::vector<std::uint8_t> cipher_out_;
  bool writing_ = false;
  bool broken_ = false;
  std::string why_;
};

}  // namespace edgepg::gateway
