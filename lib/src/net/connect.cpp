#include "connect.hpp"

#include "edgepg/error.hpp"
#include "edgepg/pg/frontend.hpp"
#include "tcp_stream.hpp"
#include "tls_stream.hpp"
#include "websocket_stream.hpp"

namespace edgepg::net {
namespace {

std::unique_ptr<Stream> open_websocket(const WebSocketTarget& url, const std::string& root_cert_file, Deadline deadline,
                                       StreamInfo& info) {
  std::unique_ptr<Stream> stream = TcpStream::connect(url.host, url.port, deadline);
  if (url.secure) {
    // The proxy's certificate is always checked: the tunnel may carry a password.
    crypto::TlsConfig tls{crypto::TlsVerify::chain_and_host, root_cert_file, url.host};
    stream = TlsStream::handshake(std::move(stream), tls, deadline);
    info.websocket_tls = true;
  }
  // (Built with append: GCC 12 reports a false -Wrestrict for "[" + host + "]".)
  std::string host_header;
  const bool v6 = url.host.find(':') != std::string::npos;
  if (v6) host_header.append(1, '[');
  host_header.append(url.host);
  if (v6) host_header.append(1, ']');
  if (url.port != (url.secure ? 443 : 80)) host_header.append(1, ':').append(std::to_string(url.port));
  info.websocket = true;
  return WebSocketStream::open(std::move(stream), host_header, url.target, deadline);
}

// PostgreSQL's SSLRequest: 'S' then TLS, 'N' then plain (allowed unless endpoint.tls.required).
std::unique_ptr<Stream> negotiate_tls(std::unique_ptr<Stream> stream, const Endpoint& endpoint, Deadline deadline,
                                      StreamInfo& info) {
  pg::FrontendWriter w;
  w.ssl_request();
  stream->write(w.data(), deadline);
  const ByteView answer = stream->read(deadline);
  if (answer.empty()) throw Error(ErrorCode::closed, "the server closed the connection after the SSL request");
  if (answer[0] == 'N' && answer.size() == 1) {
    if (endpoint.tls.required) {
      throw Error(ErrorCode::tls,
                  "the server does not support SSL, but sslmode=" + endpoint.tls.mode_name + " requires it");
    }
    return stream;
  }
  if (answer[0] != 'S') throw Error(ErrorCode::protocol, "the server sent an unexpected answer to the SSL request");
  // CVE-2021-23222: bytes after 'S' would be read as if they came through TLS; a man in the middle could
  // inject them.
  if (answer.size() != 1) throw Error(ErrorCode::protocol, "the server sent unencrypted data after its SSL response");
  crypto::TlsConfig tls{endpoint.tls.verify, endpoint.root_cert_file, endpoint.host};
  auto secured = TlsStream::handshake(std::move(stream), tls, deadline);
  info.postgres_tls = true;
  return secured;
}

}  // namespace

std::unique_ptr<Stream> open_postgres_stream(const Endpoint& endpoint, Deadline deadline, StreamInfo& info) {
  info = {};
  std::unique_ptr<Stream> stream;
  if (endpoint.websocket) {
    stream = open_websocket(*endpoint.websocket, endpoint.root_cert_file, deadline, info);
  } else {
    const std::string& address = endpoint.hostaddr.empty() ? endpoint.host : endpoint.hostaddr;
    stream = TcpStream::connect(address, endpoint.port, deadline);
    if (!address.empty() && address.front() == '/') return stream;  // a Unix socket: no TLS, as in libpq
  }
  if (!endpoint.tls.request) return stream;
  return negotiate_tls(std::move(stream), endpoint, deadline, info);
}

}  // namespace edgepg::net
