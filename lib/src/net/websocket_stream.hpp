// A WebSocket (RFC 6455) tunnel over any Stream, through the sans-IO ws::ClientCodec: each write is one binary
// message; reads hand out binary messages' payloads. Pings are answered, the close handshake is honoured.
#pragma once

#include <memory>
#include <string>

#include "edgepg/ws/client_codec.hpp"
#include "stream.hpp"

namespace edgepg::net {

class WebSocketStream final : public Stream {
 public:
  // Sends the opening handshake for `target` (path and query) on `host_header` and waits for the 101.
  // Throws EWEBSOCKET (refused or broken handshake, e.g. a 404), ECONNCLOSED, ETIMEDOUT.
  static std::unique_ptr<WebSocketStream> open(std::unique_ptr<Stream> inner, const std::string& host_header,
                                               const std::string& target, Deadline deadline);
  ~WebSocketStream() override;

  ByteView read(Deadline deadline) override;
  void write(ByteView data, Deadline deadline) override;
  void close() noexcept override;

 private:
  WebSocketStream(std::unique_ptr<Stream> inner, ws::ClientCodec codec);
  void flush(Deadline deadline);
  [[noreturn]] void fail(Deadline deadline);

  std::unique_ptr<Stream> inner_;
  ws::ClientCodec codec_;
};

}  // namespace edgepg::net
