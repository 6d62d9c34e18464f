#include "streams.hpp"

#include <array>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cstring>

namespace edgepg::gateway {
namespace {
using asio::use_awaitable;
using asio::experimental::as_tuple;
}  // namespace

asio::awaitable<std::size_t> TcpClientStream::read(std::span<std::uint8_t> buffer) {
  auto [err, n] = co_await socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()), as_tuple(use_awaitable));
  co_return err ? 0 : n;
}

asio::awaitable<void> TcpClientStream::write(std::span<const std::uint8_t> bytes) {
  auto [err, n] =
      co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()), as_tuple(use_awaitable));
  if (err) close();
}

void TcpClientStream::close() {
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

WebSocketClientStream::WebSocketClientStream(asio::ip::tcp::socket socket, std::size_t max_message_size,
                                             std::vector<std::uint8_t> early)
    : socket_(std::move(socket)), codec_(ws::ServerOptions{max_message_size, true}), early_(std::move(early)) {}

// One writer at a time on the socket: whoever finds no write in progress writes everything the codec has queued
// (data, pongs, a Close reply) until it is empty; the other side's frames wait in the codec for that writer. The
// data relay is the usual writer, so it waits for its own bytes (backpressure towards the upstream).
asio::awaitable<void> WebSocketClientStream::flush_control() {
  if (writing_) co_return;
  writing_ = true;
  while (!codec_.empty()) {
    out_.assign(codec_.data().begin(), codec_.data().end());
    codec_.clear();
    auto [err, n] = co_await asio::async_write(socket_, asio::buffer(out_), as_tuple(use_awaitable));
    if (err) {
      ended_ = true;
      break;
    }
  }
  writing_ = false;
}

asio::awaitable<std::size_t> WebSocketClientStream::read(std::span<std::uint8_t> buffer) {
  std::array<std::uint8_t, 16 * 1024> chunk{};
  while (pending_pos_ >= pending_.size()) {
    if (ended_) co_return 0;
    ws::ServerEvent ev;
    const auto step = codec_.next(ev);
    if (step == ws::ServerStep::event) {
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
      n = std::min(early_.size(), chunk.size());
      std::memcpy(chunk.data(), early_.data(), n);
      early_.erase(early_.begin(), early_.begin() + static_cast<std::ptrdiff_t>(n));
    } else {
      auto [err, got] = co_await socket_.async_read_some(asio::buffer(chunk), as_tuple(use_awaitable));
      if (err) co_return 0;
      n = got;
    }
    if (!codec_.feed({chunk.data(), n})) {
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
  if (!codec_.empty()) {
    asio::error_code ignored;
    asio::write(socket_, asio::buffer(codec_.data().data(), codec_.data().size()), ignored);
    codec_.clear();
  }
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace edgepg::gateway
