// The tamper-proof claims channel (claims.sessions): before a client sees its first ReadyForQuery, the gateway
// writes the session's claims into edgepg.sessions as the admin role, keyed by the upstream backend's pid and start
// time; edgepg.claims()/claim()/sub() (SECURITY DEFINER, from --print-schema) read that row, so no SQL the client
// sends can change them. The row is removed when the session ends; rows of backends that are gone are swept when an
// admin connection opens.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/strand.hpp>
#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "identity.hpp"
#include "pg_client.hpp"

namespace edgepg::gateway {

class ClaimsChannel {
 public:
  explicit ClaimsChannel(asio::any_io_executor executor);
  // Records the session of backend `pid`; returns its backend start time (to forget it). Throws PgClientError.
  asio::awaitable<std::string> record(const Config& config, std::int32_t pid, const Identity& who);
  // Arms backend `pid` (logged in as `role`) for its next holder: a row without claims, which edgepg.begin_session
  // called by that backend fills once (backend_chat.hpp's begin_holder: the warm path, one round trip on the backend
  // rather than one on an admin connection). Re-arming a backend whose holder left clears its claims. Returns the
  // backend start time. Throws PgClientError.
  asio::awaitable<std::string> arm(const Config& config, std::int32_t pid, const std::string& role);
  // arm() for a backend whose row (pid, backend_start) exists: one update by its key; falls back to arm().
  asio::awaitable<std::string> rearm(const Config& config, std::int32_t pid, const std::string& backend_start,
                                     const std::string& role);
  // Removes the row; false when it could not (the sweep of the next admin connection removes rows of backends
  // that are gone).
  asio::awaitable<bool> forget(const Config& config, std::int32_t pid, const std::string& backend_start);

 private:
  asio::awaitable<std::unique_ptr<PgClient>> acquire(const Config& config);
  // Runs one of the row's statements (params from $1 = pid); returns the backend start it returned.
  asio::awaitable<std::string> write_row(const Config& config, std::int32_t pid, const char* statement,
                                         const char* name, const std::vector<std::optional<std::string>>& params);
  // A connection back to the idle list; an unusable one (or none: it was lost to an error) frees its slot.
  void give_back(std::unique_ptr<PgClient> client);

  asio::strand<asio::any_io_executor> strand_;   // guards idle_ and open_
  std::vector<std::unique_ptr<PgClient>> idle_;  // admin connections ready for use
  std::size_t open_ = 0;                         // idle, in use or logging in
  // At most this many admin connections: a burst of logins waits for one rather than exhausting the server's
  // connection slots (500 concurrent logins once opened hundreds: "too many clients").
  static constexpr std::size_t kMaxOpen = 8;
};

}  // namespace edgepg::gateway
