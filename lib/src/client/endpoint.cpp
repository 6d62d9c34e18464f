#include "endpoint.hpp"

namespace edgepg::detail {
namespace {

crypto::TlsVerify verify_for(const ConnectOptions& options) {
  switch (options.sslmode) {
    case SslMode::verify_full:
      return crypto::TlsVerify::chain_and_host;
    case SslMode::verify_ca:
      return crypto::TlsVerify::chain;
    default:
      // libpq: with a root certificate given, the weaker modes verify the chain too.
      return options.sslrootcert.empty() ? crypto::TlsVerify::none : crypto::TlsVerify::chain;
  }
}

}  // namespace

net::Endpoint endpoint_for(const ConnectOptions& options) {
  net::Endpoint e;
  e.host = options.host;
  e.hostaddr = options.hostaddr;
  e.port = options.port;
  e.root_cert_file = options.sslrootcert;
  if (!options.websocket_url.empty()) {
    const WebSocketUrl url = parse_websocket_url(options.websocket_url);
    e.websocket = net::WebSocketTarget{url.secure, url.host, url.port, url.target};
  }
  e.tls.request = options.sslmode != SslMode::disable;
  e.tls.required = options.sslmode >= SslMode::require;  // allow and prefer fall back to plain on 'N'
  e.tls.verify = verify_for(options);
  e.tls.mode_name = ssl_mode_name(options.sslmode);
  return e;
}

}  // namespace edgepg::detail
