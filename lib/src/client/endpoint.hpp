// ConnectOptions -> net::Endpoint: the public options translated into what the transports use, with libpq's sslmode
// rules applied here, on the client's side of the layering.
#pragma once

#include "edgepg/client/options.hpp"
#include "net/endpoint.hpp"

namespace edgepg::detail {

// Throws edgepg::Error (EINVAL) for a websocket_url that is not a ws:// or wss:// URL.
net::Endpoint endpoint_for(const ConnectOptions& options);

}  // namespace edgepg::detail
