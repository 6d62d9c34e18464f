#include "websocket_stream.hpp"

#include "crypto/crypto.hpp"
#include "edgepg/error.hpp"

namespace edgepg::net {

WebSocketStream::WebSocketStream(std::unique_ptr<Stream> inner, ws::ClientCodec codec)
    : inner_(std::move(inner)), codec_(std::move(codec)) {}

WebSocketStream::~WebSocketStream() { close(); }

void WebSocketStream::flush(Deadline deadline) {
  if (!codec_.empty()) {
    inner_->write(codec_.data(), deadline);
    codec_.clear();
  }
}

void WebSocketStream::fail(Deadline deadline) {
  const std::string message = "WebSocket: " + codec_.error().message();
  // The rule that failed (a ws_* code, EWEBSOCKET); any other codec failure is EWEBSOCKET too.
  const ErrorCode code = is_ws_error(codec_.error().code()) ? codec_.error().code() : ErrorCode::websocket;
  try {
    flush(deadline);  // the Close telling the proxy why, when the socket was open
  } catch (...) {
  }
  inner_->close();
  throw Error(code, message);
}

std::unique_ptr<WebSocketStream> WebSocketStream::open(std::unique_ptr<Stream> inner, const std::string& host_header,
                                                       const std::string& target, Deadline deadline) {
  ws::ClientOptions options;
  options.random = [](std::span<std::uint8_t> out) { return crypto::random_bytes(out); };
  std::unique_ptr<WebSocketStream> stream(new WebSocketStream(std::move(inner), ws::ClientCodec(std::move(options))));
  ws::HandshakeRequest request;
  request.host = host_header;
  request.target = target;
  if (auto s = stream->codec_.start(request); !s) throw Error(ErrorCode::invalid_argument, "WebSocket: " + s.message());
  stream->flush(deadline);
  ws::Event ev;
  for (;;) {
    const ws::ReadStep step = stream->codec_.next(ev);
    if (step == ws::ReadStep::event && ev.type == ws::EventType::open) return stream;
    if (step == ws::ReadStep::error) stream->fail(deadline);
    if (step != ws::ReadStep::need_more)
      throw Error(ErrorCode::websocket, "WebSocket: the proxy closed during the handshake");
    const ByteView got = stream->inner_->read(deadline);
    if (got.empty()) throw Error(ErrorCode::closed, "WebSocket: the proxy closed the connection during the handshake");
    if (auto s = stream->codec_.feed(got); !s) stream->fail(deadline);
  }
}

ByteView WebSocketStream::read(Deadline deadline) {
  if (!inner_) throw Error(ErrorCode::closed, "the connection is closed");
  ws::Event ev;
  for (;;) {
    switch (codec_.next(ev)) {
      case ws::ReadStep::event:
        if (ev.type == ws::EventType::binary) {
          if (!ev.payload.empty()) return ev.payload;
          continue;
        }
        if (ev.type == ws::EventType::close) {
          flush(deadline);  // our Close reply
          return {};
        }
        flush(deadline);  // a pong answering a ping
        continue;
      case ws::ReadStep::closed:
        return {};
      case ws::ReadStep::error:
        fail(deadline);
      case ws::ReadStep::need_more:
        break;
    }
    flush(deadline);
    const ByteView got = inner_->read(deadline);
    if (got.empty()) return {};
    if (auto s = codec_.feed(got); !s) fail(deadline);
  }
}

void WebSocketStream::write(ByteView data, Deadline deadline) {
  if (!inner_) throw Error(ErrorCode::closed, "the connection is closed");
  if (auto s = codec_.send_binary(data); !s) {
    if (codec_.state() == ws::State::closed || codec_.state() == ws::State::closing) {
      throw Error(ErrorCode::closed, "the WebSocket proxy closed the connection");
    }
    throw Error(ErrorCode::websocket, "WebSocket: " + s.message());
  }
  flush(deadline);
}

void WebSocketStream::close() noexcept {
  if (!inner_) return;
  try {
    if (codec_.state() == ws::State::open && codec_.close()) flush(Clock::now() + std::chrono::milliseconds(200));
  } catch (...) {
  }
  inner_->close();
  inner_.reset();
}

}  // namespace edgepg::net
