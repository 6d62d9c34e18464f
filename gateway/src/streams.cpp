#include "streams.hpp"

#include <array>
#include <cstring>

namespace edgepg::gateway {

asio::awaitable<std::size_t> TcpClientStream::read(std::span<std::uint8_t> buffer) {
  co_return co_await transport_.read_some(buffer);
}

asio::awaitable<void> TcpClientStream::write(std::span<const std::uint8_t> bytes) {
  const bool ok = co_await transport_.write_all(bytes);
  if (!ok) close();
}

void TcpClientStream::close() { transport_.write_and_close({}); }

asio::awaitable<bool> TcpClientStream::start_tls(std::span<const std::uint8_t> early) {
  if (!tls_available()) co_return false;
  co_return co_await transport_.accept_tls(*tls_, early);
}

WebSocketClientStream::WebSocketClientStream(Transport transport, std::size_t max_message_size,
                                             std::vector<std::uint8_t> early)
    : transport_(std::move(transport)),
      codec_(ws::ServerOptions{max_message_size, true}),
      early_(std::move(early)),
      chunk_(16 * 1024) {}

// One writer at a time on the socket: whoever finds no write in progress writes everything the codec has queued
// (data, pongs, a Close reply) until it is empty; the other side's frames wait in the codec for that writer. The
// data relay is the usual writer, so it waits for its own bytes (backpressure towards the upstream).
asio::awaitable<void> WebSocketClientStream::flush_control() {
  if (writing_) co_return;
  writing_ = true;
  while (!codec_.empty()) {
    codec_.take_data(out_);  // frames queued meanwhile (pongs, the Close) wait in the codec for the next turn
    const bool ok = co_await transport_.write_all(out_);
    if (!ok) {
      ended_ = true;
      break;
    }
  }
  writing_ = false;
}

asio::awaitable<std::size_t> WebSocketClientStream::read(std::span<std::uint8_t> buffer) {
  while (pending_pos_ >= pending_.size()) {
    if (ended_) co_return 0;
    ws::ServerEvent ev;
    const auto step = codec_.next(ev);
    if (step == ws::ServerStep::event) {
      if (ev.type == ws::ServerEventType::binary && ev.payload.size() <= buffer.size()) {
        // The usual case: the whole payload fits the caller's buffer, straight from the codec's (one copy).
        if (ev.payload.empty()) continue;  // nothing to hand over
        std::memcpy(buffer.data(), ev.payload.data(), ev.payload.size());
        co_return ev.payload.size();
      }
      if (ev.type == ws::ServerEventType::binary) {
        pending_.assign(ev.payload.begin(), ev.payload.end());
        pending_pos_ = 0;
      } else if (ev.type == ws::ServerEventType::close) {
        ended_ = true;
      }
      co_await flush_control();  // pongs and the Close reply
      continue;
    }
    if (step != ws::ServerStep::need_more) {
      ended_ = true;
      co_await flush_control();  // e.g. the 1002/1009 Close of a broken rule
      co_return 0;
    }
    std::size_t n = 0;
    if (!early_.empty()) {
      n = std::min(early_.size(), chunk_.size());
      std::memcpy(chunk_.data(), early_.data(), n);
      early_.erase(early_.begin(), early_.begin() + static_cast<std::ptrdiff_t>(n));
    } else {
      n = co_await transport_.read_some(chunk_);
      if (n == 0) co_return 0;
    }
    if (!codec_.feed({chunk_.data(), n})) {
      ended_ = true;
      co_await flush_control();
      co_return 0;
    }
  }
  const std::size_t n = std::min(buffer.size(), pending_.size() - pending_pos_);
  std::memcpy(buffer.data(), pending_.data() + pending_pos_, n);
  pending_pos_ += n;
  co_return n;
}

asio::awaitable<void> WebSocketClientStream::write(std::span<const std::uint8_t> bytes) {
  if (!codec_.send_binary({bytes.data(), bytes.size()})) co_return;
  co_await flush_control();
}

void WebSocketClientStream::close() {
  if (codec_.state() == ws::ServerState::open) (void)codec_.close();
  // The Close frame, unless a write is under way (its frames would interleave): then the connection just ends.
  if (!writing_ && !codec_.empty()) {
    transport_.write_and_close(codec_.data());
  } else {
    transport_.write_and_close({});
  }
  codec_.clear();
}

}  // namespace edgepg::gateway
