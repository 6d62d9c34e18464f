// The two kinds of client stream: PostgreSQL bytes straight on the connection (the postgres listener; TLS after an
// SSLRequest or direct TLS), and the same bytes carried in WebSocket binary messages (the websocket listener, after
// the HTTP upgrade; wss:// when the listener has TLS).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "client_stream.hpp"
#include "crypto/tls.hpp"
#include "edgepg/ws/server_codec.hpp"
#include "transport.hpp"

namespace edgepg::gateway {

class TcpClientStream final : public ClientStream {
 public:
  // tls: the listener's certificate, or null (SSLRequest answered 'N').
  TcpClientStream(Transport transport, std::shared_ptr<const crypto::TlsServerContext> tls)
      : transport_(std::move(transport)), tls_(std::move(tls)) {}
  asio::awaitable<std::size_t> read(std::span<std::uint8_t> buffer) override;
  asio::awaitable<void> write(std::span<const std::uint8_t> bytes) override;
  void close() override;
  [[nodiscard]] bool secure() const override { return transport_.secure(); }
  [[nodiscard]] bool tls_available() const override { return tls_ && !transport_.secure(); }
  asio::awaitable<bool> start_tls(std::span<const std::uint8_t> early) override;
  [[nodiscard]] std::string alpn() const override { return transport_.alpn(); }
  [[nodiscard]] std::string why() const override { return transport_.why(); }

 private:
  Transport transport_;
  std::shared_ptr<const crypto::TlsServerContext> tls_;
};

// Client frames must be masked; binary messages are the PostgreSQL stream, split or coalesced as the client likes;
// pings are answered; a Close ends the stream (read returns 0). Each write is one unmasked binary message.
class WebSocketClientStream final : public ClientStream {
 public:
  // early: bytes the client sent after its upgrade request, before our 101 (frames).
  WebSocketClientStream(Transport transport, std::size_t max_message_size, std::vector<std::uint8_t> early);
  asio::awaitable<std::size_t> read(std::span<std::uint8_t> buffer) override;
  asio::awaitable<void> write(std::span<const std::uint8_t> bytes) override;
  void close() override;
  [[nodiscard]] bool secure() const override { return transport_.secure(); }
  // TLS is below the WebSocket (wss://) or not at all: an SSLRequest inside the stream gets 'N'.
  [[nodiscard]] bool tls_available() const override { return false; }
  asio::awaitable<bool> start_tls(std::span<const std::uint8_t>) override { co_return false; }
  [[nodiscard]] std::string alpn() const override { return transport_.alpn(); }
  [[nodiscard]] std::string why() const override { return "TLS is the wss:// below this stream"; }

 private:
  asio::awaitable<void> flush_control();

  Transport transport_;
  ws::ServerCodec codec_;
  std::vector<std::uint8_t> pending_;  // payload bytes of a binary message not yet read
  std::size_t pending_pos_ = 0;
  std::vector<std::uint8_t> early_;
  bool ended_ = false;
  std::vector<std::uint8_t> out_;    // frames being written
  std::vector<std::uint8_t> chunk_;  // socket reads, fed to the codec (one buffer for the session's life)
  bool writing_ = false;
};

}  // namespace edgepg::gateway
