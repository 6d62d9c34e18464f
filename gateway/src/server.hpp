// The listeners (websocket, postgres, http) and one io_context per core, each run by one thread; each connection is
// a coroutine pinned to one of them. SIGTERM/SIGINT drain (stop accepting, let sessions end up to
// limits.drain_timeout_ms), SIGHUP reloads the configuration's identity settings, credentials and
// certificates for new sessions.
#pragma once

#include <string>

#include "config.hpp"
#include "session.hpp"

namespace edgepg::gateway {

// The listeners' TLS contexts from listen.tls (none without it). Throws ConfigError when a file is unusable.
ListenerTls load_listener_tls(const Config& config);

// Runs until drained after SIGTERM/SIGINT. Returns the process exit code; config_path is re-read on SIGHUP.
int run_server(const std::string& config_path);

}  // namespace edgepg::gateway
