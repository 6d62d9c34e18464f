// Short exchanges the gateway itself has with an upstream backend between two holders of a pooled backend: the
// reset after a holder left (DISCARD ALL) and the next holder's settings (set_config with the values as protocol
// parameters, never spliced into SQL). Each reads until ReadyForQuery, within a deadline; ParameterStatus messages
// update what the next client will be shown.
#pragma once

#include <asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "identity.hpp"
#include "upstream.hpp"

namespace edgepg::gateway {

// DISCARD ALL; throws UpstreamError when the backend answers anything but success and idle. With
// `holder_settings`, the next holder's begin_holder statement for that many settings is parsed in the same round
// trip, after the DISCARD (so nothing of the last holder's reaches it; up.holder_prepared): the next login binds it
// rather than parsing its own (~30 us of the server's time off the login's path). A Parse that fails (a schema
// without edgepg.begin_session) leaves the reset done and nothing prepared.
asio::awaitable<void> reset_backend(Upstream& up, std::chrono::milliseconds timeout,
                                    std::optional<std::size_t> holder_settings = std::nullopt);

// Closes the statement the reset parsed for a holder (up.holder_prepared) that will not use it (a warm backend handed
// out another way than begin_holder, e.g. after a reload turned claims.sessions off); nothing without one.
asio::awaitable<void> forget_holder_statement(Upstream& up, std::chrono::milliseconds timeout);

// set_config(name, value, false) for each pair, in one statement; throws UpstreamError with the server's SQLSTATE
// (e.g. an unknown parameter the client sent in its startup packet).
asio::awaitable<void> apply_settings(Upstream& up, const std::vector<std::pair<std::string, std::string>>& settings,
                                     std::chrono::milliseconds timeout);

// apply_settings with the client's first messages behind it (as begin_holder_pipelined, without a claims row): the
// settings in a transaction (BEGIN, the statement, COMMIT), then `early`; none of those runs unless the settings
// are in. The bytes read after the COMMIT go into `answered`.
asio::awaitable<void> apply_settings_pipelined(Upstream& up,
                                               const std::vector<std::pair<std::string, std::string>>& settings,
                                               std::span<const std::uint8_t> early, std::vector<std::uint8_t>& answered,
                                               std::chrono::milliseconds timeout);

// The message of the error a warm backend without an armed row answers begin_holder with.
inline constexpr const char* kUnarmed = "edgepg: no session was armed for this backend";

// The next holder of a warm backend the claims channel armed (ClaimsChannel::arm): its claims row written by the
// backend itself through edgepg.begin_session (SECURITY DEFINER; it writes only into the row armed for the calling
// backend, once, so neither the holder's SQL nor a connection the gateway did not arm can) and its settings, in one
// read-write transaction of the gateway's and one round trip. Returns the row's backend start; throws UpstreamError
// with the server's SQLSTATE (kUnarmed's message when no row was armed for the backend).
asio::awaitable<std::string> begin_holder(Upstream& up, const Identity& who,
                                          const std::vector<std::pair<std::string, std::string>>& settings,
                                          std::chrono::milliseconds timeout);

// begin_holder with the client's first messages behind it, in the same write: `early`, the client's messages up to
// and including its first Query or Sync, follows the gateway's COMMIT. Should the gateway's transaction fail,
// PostgreSQL skips every message up to the next Sync, so none of the client's runs without its claims (the caller
// closes the backend). Reads until the COMMIT is done: the bytes read after it (the start of the answers to `early`)
// go into `answered`; up.parameters show the holder's values of reported settings (the server reports its own
// spelling of them before the first ReadyForQuery).
asio::awaitable<std::string> begin_holder_pipelined(Upstream& up, const Identity& who,
                                                    const std::vector<std::pair<std::string, std::string>>& settings,
                                                    std::span<const std::uint8_t> early,
                                                    std::vector<std::uint8_t>& answered,
                                                    std::chrono::milliseconds timeout);

}  // namespace edgepg::gateway
