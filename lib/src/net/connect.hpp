// Opens the byte stream a PostgreSQL session runs over, from an Endpoint: TCP (or a Unix socket) to the server, or a
// WebSocket tunnel (ws:// or wss://) to a proxy; then PostgreSQL's SSLRequest exchange and TLS, as endpoint.tls says.
#pragma once

#include <memory>

#include "endpoint.hpp"
#include "stream.hpp"

namespace edgepg::net {

// What was negotiated, for Connection::info() and tests.
struct StreamInfo {
  bool websocket = false;
  bool websocket_tls = false;  // wss://
  bool postgres_tls = false;   // SSLRequest answered 'S' and the handshake completed
};

// Throws edgepg::Error: ENOTFOUND, ECONNREFUSED, ETIMEDOUT, ECONNCLOSED, EWEBSOCKET, ETLS (the server refused
// SSL under require or stricter), ECERT, EPROTO (a bad answer to SSLRequest), EINVAL.
std::unique_ptr<Stream> open_postgres_stream(const Endpoint& endpoint, Deadline deadline, StreamInfo& info);

}  // namespace edgepg::net
