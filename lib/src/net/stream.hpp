// A blocking byte stream with deadlines: the native transports (TCP, TLS over a stream, WebSocket over a stream)
// all have this shape, so they stack: PostgreSQL's TLS may run inside a WebSocket tunnel that itself runs over TLS.
// Native only. Failures throw edgepg::Error (ETIMEDOUT, ECONNRESET, ECONNCLOSED, ETLS, ECERT, EWEBSOCKET).
#pragma once

#include <chrono>
#include <cstdint>
#include <span>

namespace edgepg::net {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;
inline constexpr Deadline no_deadline = Deadline::max();

// Now + timeout, or no deadline for a zero timeout.
inline Deadline deadline_after(std::chrono::milliseconds timeout) {
  return timeout.count() <= 0 ? no_deadline : Clock::now() + timeout;
}

using ByteView = std::span<const std::uint8_t>;

class Stream {
 public:
  virtual ~Stream() = default;
  // Blocks until bytes arrive and returns them: a view into the stream's buffer, valid until the next call.
  // Empty: the peer ended the stream cleanly.
  virtual ByteView read(Deadline deadline) = 0;
  // Writes all of `data`.
  virtual void write(ByteView data, Deadline deadline) = 0;
  // Ends the stream politely (TLS close_notify, WebSocket Close) where possible, then closes. Never throws.
  virtual void close() noexcept = 0;
};

}  // namespace edgepg::net
