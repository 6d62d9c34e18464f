#include "connect.hpp"

#include "edgepg/client/error.hpp"
#include "edgepg/pg/frontend.hpp"
#include "tcp_stream.hpp"
#include "tls_stream.hpp"
#include "websocket_stream.hpp"

namespace edgepg::net {
namespace {

std::unique_ptr<Stream> open_websocket(const ConnectOptions& options, Deadline deadline, StreamInfo& info) {
  const WebSocketUrl url = parse_websocket_url(options.websocket_url);
  std::unique_ptr<Stream> stream = TcpStream::connect(url.host, url.port, deadline);
  if (url.secure) {
    // The proxy's certificate is always checked: the tunnel may carry a password.
    crypto::TlsConfig tls{crypto::TlsVerify::chain_and_host, options.sslrootcert, url.host};
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

crypto::TlsVerify verify_for(const ConnectOptions& options) {
  switch (options.sslmode) {
    case SslMode::verify_full: return crypto::TlsVerify::chain_and_host;
    case SslMode::verify_ca: return crypto::TlsVerify::chain;
    default:
      // libpq: with a root certificate given, the weaker modes verify the chain too.
      return options.sslrootcert.empty() ? crypto::TlsVerify::none : crypto::TlsVerify::chain;
  }
}

// PostgreSQL's SSLRequest: 'S' then TLS, 'N' then plain (allowed below require).
std::unique_ptr<Stream> negotiate_tls(std::unique_ptr<Stream> stream, const ConnectOptions& options,
                                      Deadline deadline, StreamInfo& info) {
  pg::FrontendWriter w;
  w.ssl_request();
  stream->write(w.data(), deadline);
  const ByteView answer = stream->read(deadline);
  if (answer.empty()) throw Error("ECONNCLOSED", "the server closed the connection after the SSL request");
  const bool required = options.sslmode >= SslMode::require;
  if (answer[0] == 'N' && answer.size() == 1) {
    if (required) {
      throw Error("ETLS", std::string("the server does not support SSL, but sslmode=") +
                              ssl_mode_name(options.sslmode) + " requires it");
    }
    return stream;
  }
  if (answer[0] != 'S') throw Error("EPROTO", "the server sent an unexpected answer to the SSL request");
  // CVE-2021-23222: bytes after 'S' would be read as if they came through TLS; a man in the middle could
  // inject them.
  if (answer.size() != 1) throw Error("EPROTO", "the server sent unencrypted data after its SSL response");
  crypto::TlsConfig tls{verify_for(options), options.sslrootcert, options.host};
  auto secured = TlsStream::handshake(std::move(stream), tls, deadline);
  info.postgres_tls = true;
  return secured;
}

}  // namespace

std::unique_ptr<Stream> open_postgres_stream(const ConnectOptions& options, Deadline deadline, StreamInfo& info) {
  info = {};
  std::unique_ptr<Stream> stream;
  if (!options.websocket_url.empty()) {
    stream = open_websocket(options, deadline, info);
  } else {
    const std::string& address = options.hostaddr.empty() ? options.host : options.hostaddr;
    stream = TcpStream::connect(address, options.port, deadline);
    if (!address.empty() && address.front() == '/') return stream;  // a Unix socket: no TLS, as in libpq
  }
  if (options.sslmode == SslMode::disable) return stream;
  return negotiate_tls(std::move(stream), options, deadline, info);
}

}  // namespace edgepg::net
