#include "tls_stream.hpp"

#include "edgepg/error.hpp"

namespace edgepg::net {
namespace {
constexpr std::size_t plaintext_buffer_size = 64 * 1024;
}

TlsStream::TlsStream(std::unique_ptr<Stream> inner, std::unique_ptr<crypto::TlsSession> session)
    : inner_(std::move(inner)), session_(std::move(session)), buf_(plaintext_buffer_size) {}

TlsStream::~TlsStream() { close(); }

void TlsStream::throw_error() const { throw Error(session_->error()); }  // ETLS, ECERT or EINVAL

void TlsStream::flush(Deadline deadline) {
  out_.clear();
  if (session_->take_output(out_) > 0) inner_->write(out_, deadline);
}

std::unique_ptr<TlsStream> TlsStream::handshake(std::unique_ptr<Stream> inner, const crypto::TlsConfig& config,
                                                Deadline deadline) {
  std::unique_ptr<crypto::TlsSession> session;
  if (auto s = crypto::TlsSession::create(config, session); !s) throw Error(s);
  std::unique_ptr<TlsStream> stream(new TlsStream(std::move(inner), std::move(session)));
  for (;;) {
    const crypto::TlsStep step = stream->session_->handshake();
    stream->flush(deadline);
    if (step == crypto::TlsStep::done) return stream;
    if (step == crypto::TlsStep::error) stream->throw_error();
    const ByteView got = stream->inner_->read(deadline);
    if (got.empty()) throw Error(ErrorCode::tls, "TLS handshake failed: the server closed the connection");
    stream->session_->feed(got);
  }
}

ByteView TlsStream::read(Deadline deadline) {
  if (!inner_) throw Error(ErrorCode::closed, "the connection is closed");
  for (;;) {
    std::size_t n = 0;
    const crypto::TlsStep step = session_->read(buf_, n);
    if (step == crypto::TlsStep::done) return {buf_.data(), n};
    if (step == crypto::TlsStep::closed) return {};
    if (step == crypto::TlsStep::error) throw_error();
    flush(deadline);  // e.g. a TLS 1.3 KeyUpdate answer
    const ByteView got = inner_->read(deadline);
    if (got.empty()) return {};  // closed without close_notify: the PostgreSQL layer reports it
    session_->feed(got);
  }
}

void TlsStream::write(ByteView data, Deadline deadline) {
  if (!inner_) throw Error(ErrorCode::closed, "the connection is closed");
  if (session_->write(data) != crypto::TlsStep::done) throw_error();
  flush(deadline);
}

void TlsStream::close() noexcept {
  if (!inner_) return;
  try {
    session_->shutdown();
    flush(Clock::now() + std::chrono::milliseconds(200));
  } catch (...) {
  }
  inner_->close();
  inner_.reset();
}

}  // namespace edgepg::net
