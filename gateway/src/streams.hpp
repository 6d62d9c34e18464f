// The two kinds of client stream: PostgreSQL bytes straight on a TCP socket (the postgres listener), and the same
// bytes carried in WebSocket binary messages (the websocket listener, after the HTTP upgrade).
#pragma once

#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <vector>

#include "client_stream.hpp"
#include "edgepg/ws/server_codec.hpp"

namespace edgepg::gateway {

class TcpClientStream final : public ClientStream {
 public:
  explicit TcpClientStream(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}
  asio::awaitable<std::size_t> read(std::span<std::uint8_t> buffer) override;
  asio::awaitable<void> write(std::span<const std::uint8_t> bytes) override;
  void close() override;

 private:
  asio::ip::tcp::socket socket_;
};

// Client frames must be masked; binary messages are the PostgreSQL stream, split or coalesced as the client likes;
// pings are answered; a Close ends the stream (read returns 0). Each write is one unmasked binary message.
class WebSocketClientStream final : public ClientStream {
 public:
  // early: bytes the client sent after its upgrade request, before our 101 (frames).
  WebSocketClientStream(asio::ip::tcp::socket socket, std::size_t max_message_size, std::vector<std::uint8_t> early);
  asio::awaitable<std::size_t> read(std::span<std::uint8_t> buffer) override;
  asio::awaitable<void> write(std::span<const std::uint8_t> bytes) override;
  void close() override;

 private:
  asio::awaitable<void> flush_control();

  asio::ip::tcp::socket socket_;
  ws::ServerCodec codec_;
  std::vector<std::uint8_t> pending_;  // payload bytes of a binary message not yet read
  std::size_t pending_pos_ = 0;
  std::vector<std::uint8_t> early_;
  bool ended_ = false;
  std::vector<std::uint8_t> out_;  // frames being written
  bool writing_ = false;
};

}  // namespace edgepg::gateway
