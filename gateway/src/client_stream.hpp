// What a session reads from and writes to its client: PostgreSQL bytes, whichever listener brought them (a TCP
// socket, or the payloads of WebSocket binary messages). Reads return 0 when the client is gone.
#pragma once

#include <asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <span>

namespace edgepg::gateway {

class ClientStream {
 public:
  virtual ~ClientStream() = default;
  virtual asio::awaitable<std::size_t> read(std::span<std::uint8_t> buffer) = 0;
  virtual asio::awaitable<void> write(std::span<const std::uint8_t> bytes) = 0;
  virtual void close() = 0;
};

}  // namespace edgepg::gateway
