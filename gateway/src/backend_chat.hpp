// Short exchanges the gateway itself has with an upstream backend between two holders of a pooled backend: the
// reset after a holder left (DISCARD ALL) and the next holder's settings (set_config with the values as protocol
// parameters, never spliced into SQL). Each reads until ReadyForQuery, within a deadline; ParameterStatus messages
// update what the next client will be shown.
#pragma once

#include <asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "identity.hpp"
#include "upstream.hpp"

namespace edgepg::gateway {

// DISCARD ALL; throws UpstreamError when the backend answers anything but success and idle.
asio::awaitable<void> reset_backend(Upstream& up, std::chrono::milliseconds timeout);

// set_config(name, value, false) for each pair, in one statement; throws UpstreamError with the server's SQLSTATE
// (e.g. an unknown parameter the client sent in its startup packet).
asio::awaitable<void> apply_settings(Upstream& up, const std::vector<std::pair<std::string, std::string>>& settings,
                                     std::chrono::milliseconds timeout);

// The next holder of a warm backend the claims channel armed (ClaimsChannel::arm): its claims row written by the
// backend itself through edgepg.begin_session (SECURITY DEFINER; it writes only into the row armed for the calling
// backend, once, so neither the holder's SQL nor a connection the gateway did not arm can) and its settings, in one
// statement and one round trip. Returns the row's backend start, or nothing when no row was armed for the backend;
// throws UpstreamError with the server's SQLSTATE.
asio::awaitable<std::optional<std::string>> begin_holder(
    Upstream& up, const Identity& who, const std::vector<std::pair<std::string, std::string>>& settings,
    std::chrono::milliseconds timeout);

}  // namespace edgepg::gateway
