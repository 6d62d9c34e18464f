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
  // Removes the row (best effort).
  asio::awaitable<void> forget(const Config& config, std::int32_t pid, const std::string& backend_start);

 private:
  asio::awaitable<std::unique_ptr<PgClient>> acquire(const Config& config);
  void give_back(std::unique_ptr<PgClient> client);

  asio::strand<asio::any_io_executor> strand_;   // guards idle_
  std::vector<std::unique_ptr<PgClient>> idle_;  // admin connections ready for use (at most kMaxIdle)
  static constexpr std::size_t kMaxIdle = 4;
};

}  // namespace edgepg::gateway
