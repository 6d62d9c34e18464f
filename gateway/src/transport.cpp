#include "transport.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

namespace edgepg::gateway {
namespace {
using asio::use_awaitable;
using asio::experimental::as_tuple;
constexpr std::size_t cipher_chunk = 16 * 1024 + 512;  // one TLS record and its overhead
}  // namespace

asio::awaitable<bool> Transport::accept_tls(const crypto::TlsServerContext& context,
                                            std::span<const std::uint8_t> early) {
  const Status s = crypto::TlsSession::accept(context, tls_);
  if (!s.ok()) {
    why_ = s.message();
    tls_.reset();
    co_return false;
  }
  tls_->feed(early);
  const bool ok = co_await handshake();
  co_return ok;
}

asio::awaitable<bool> Transport::connect_tls(const crypto::TlsConfig& config) {
  const Status s = crypto::TlsSession::create(config, tls_);
  if (!s.ok()) {
    why_ = s.message();
    tls_.reset();
    co_return false;
  }
  const bool ok = co_await handshake();
  co_return ok;
}

asio::awaitable<bool> Transport::handshake() {
  cipher_in_.resize(cipher_chunk);
  for (;;) {
    const crypto::TlsStep step = tls_->handshake();
    const bool sent = co_await flush();  // the handshake's records (and an alert on failure)
    if (!sent) break;
    if (step == crypto::TlsStep::done) co_return true;
    if (step != crypto::TlsStep::want_read) {
      why_ = tls_->error().message();
      break;
    }
    auto [err, n] = co_await socket_.async_read_some(asio::buffer(cipher_in_), as_tuple(use_awaitable));
    if (err) {
      why_ = "the peer closed the connection during the TLS handshake";
      break;
    }
    tls_->feed({cipher_in_.data(), n});
  }
  if (why_.empty()) why_ = "the TLS handshake could not be sent";
  tls_.reset();
  co_return false;
}

bool Transport::detach(Detached& out) {
  asio::error_code ec;
  out.v6 = socket_.local_endpoint(ec).address().is_v6();
  if (!ec) out.fd = socket_.release(ec);
  if (ec) {
    close();
    return false;
  }
  out.tls = std::move(tls_);
  return true;
}

bool Transport::adopt(const asio::any_io_executor& ex, Detached detached, std::optional<Transport>& out) {
  asio::ip::tcp::socket socket(ex);
  asio::error_code ec;
  socket.assign(detached.v6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), detached.fd, ec);
  if (ec) return false;
  out.emplace(std::move(socket));
  out->tls_ = std::move(detached.tls);
  if (out->tls_) out->cipher_in_.resize(cipher_chunk);
  return true;
}

asio::awaitable<bool> Transport::flush() {
  if (writing_) co_return !broken_;  // the writer at work takes this output too
  writing_ = true;
  while (!broken_) {
    cipher_out_.clear();
    if (tls_->take_output(cipher_out_) == 0) break;
    auto [err, n] = co_await asio::async_write(socket_, asio::buffer(cipher_out_), as_tuple(use_awaitable));
    if (err) broken_ = true;
  }
  writing_ = false;
  co_return !broken_;
}

asio::awaitable<std::size_t> Transport::read_some(std::span<std::uint8_t> buffer) {
  if (!tls_) {
    auto [err, n] =
        co_await socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()), as_tuple(use_awaitable));
    co_return err ? 0 : n;
  }
  for (;;) {
    if (broken_) co_return 0;
    std::size_t n = 0;
    const crypto::TlsStep step = tls_->read(buffer, n);
    if (step == crypto::TlsStep::done) co_return n;
    if (step != crypto::TlsStep::want_read) co_return 0;  // close_notify or a broken record
    const bool flushed = co_await flush();                // e.g. a KeyUpdate answer
    if (!flushed) co_return 0;
    auto [err, got] = co_await socket_.async_read_some(asio::buffer(cipher_in_), as_tuple(use_awaitable));
    if (err) co_return 0;
    tls_->feed({cipher_in_.data(), got});
  }
}

asio::awaitable<bool> Transport::write_all(std::span<const std::uint8_t> bytes) {
  if (!tls_) {
    auto [err, n] =
        co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()), as_tuple(use_awaitable));
    co_return !err;
  }
  if (broken_ || tls_->write(bytes) != crypto::TlsStep::done) co_return false;
  co_return co_await flush();
}

void Transport::write_and_close(std::span<const std::uint8_t> bytes) {
  if (!socket_.is_open()) return;  // closed already (a session closes its client early, then once more at its end)
  asio::error_code ignored;
  if (tls_ && !broken_) {
    std::vector<std::uint8_t> out;
    if (!bytes.empty()) (void)tls_->write(bytes);
    tls_->shutdown();
    (void)tls_->take_output(out);
    if (!writing_) asio::write(socket_, asio::buffer(out), ignored);
  } else if (!tls_ && !bytes.empty()) {
    asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ignored);
  }
  close();
}

void Transport::close() {
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace edgepg::gateway
