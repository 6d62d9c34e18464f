// Where and how the transports reach a PostgreSQL server: only what they use. The client module builds it from the
// public ConnectOptions (endpoint_for, where libpq's sslmode rules live), so that net never includes the face built
// on it: layers point one way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/tls.hpp"

namespace edgepg::net {

// A ws:// or wss:// proxy (websockify, Neon's wsproxy) the PostgreSQL stream is tunnelled through.
struct WebSocketTarget {
  bool secure = false;  // wss://: the proxy's certificate is always checked against `host`
  std::string host;     // an IPv6 address without brackets
  std::uint16_t port = 80;
  std::string target = "/";  // path and query of the opening handshake
};

// PostgreSQL's own TLS, negotiated with an SSLRequest.
struct PostgresTls {
  bool request = true;    // false: plain, no SSLRequest at all (sslmode=disable)
  bool required = false;  // a server answering 'N' (no SSL) is an error, ETLS
  crypto::TlsVerify verify = crypto::TlsVerify::none;
  std::string mode_name;  // the sslmode, named in the ETLS error when `required` is refused
};

struct Endpoint {
  std::string host;      // the server's name: TLS SNI and host check; a path starting with '/': a Unix socket dir
  std::string hostaddr;  // the address to connect to instead of host (host still names the server for TLS)
  std::uint16_t port = 5432;
  std::string root_cert_file;                // PEM roots for PostgreSQL's TLS and wss://; empty: the system's
  std::optional<WebSocketTarget> websocket;  // set: connect to the proxy, not to host/port
  PostgresTls tls;
};

}  // namespace edgepg::net
