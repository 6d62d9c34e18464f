// Warm backends (the "pool" section): per (role, database), backends already logged in AS that role, handed to the
// next client whose token maps to it. Thread-safe: sessions run on several io_contexts, so an idle backend is kept
// as its bare socket handle and re-wrapped on the taker's executor. A backend goes back only when its holder left
// it idle between statements and DISCARD ALL succeeded (session.cpp); one that died while idle (e.g.
// pg_terminate_backend: it sent its FATAL and closed) is noticed before it is handed out and closed.
#pragma once

#include <asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"
#include "upstream.hpp"

namespace edgepg::gateway {

struct PoolKey {
  std::string role;
  std::string database;
  auto operator<=>(const PoolKey&) const = default;
};

class BackendPool {
 public:
  using Clock = std::chrono::steady_clock;
  explicit BackendPool(PoolConfig config) : config_(config) {}
  ~BackendPool();

  struct Taken {
    Upstream upstream;
    Clock::time_point born;
  };
  // An idle, live backend of `key` on executor `ex`; expired or dead ones met on the way are closed.
  std::optional<Taken> take_idle(const PoolKey& key, const asio::any_io_executor& ex);
  // A slot for a new backend of `key` (false at `max`). The caller then logs in and calls give_back or closed.
  bool reserve(const PoolKey& key);
  // A clean backend returns (closed instead when past max_lifetime_ms).
  void give_back(const PoolKey& key, Upstream upstream, Clock::time_point born);
  // A backend of `key` was closed: its slot is free.
  void closed(const PoolKey& key);
  // Closes backends idle longer than idle_timeout_ms or older than max_lifetime_ms.
  void sweep();
  [[nodiscard]] std::size_t idle(const PoolKey& key) const;
  [[nodiscard]] const PoolConfig& config() const noexcept { return config_; }

 private:
  struct Idle {
    Transport::Detached connection;
    std::vector<std::pair<std::string, std::string>> parameters;
    std::int32_t process_id, secret_key;
    bool armed;
    std::optional<std::size_t> holder_prepared;
    Clock::time_point born, since;
  };
  struct Slot {
    std::deque<Idle> idle;
    std::size_t total = 0;  // idle + held + being logged in
  };
  bool expired(const Idle& b, Clock::time_point now) const;
  void close_idle(Slot& slot, const Idle& b);

  PoolConfig config_;
  mutable std::mutex mutex_;
  std::map<PoolKey, Slot> slots_;
};

// Cancel keys the gateway hands out (BackendKeyData) in place of its backends' own, so a pooled backend's next
// holder cannot be cancelled with a key an earlier holder saw. Thread-safe.
class CancelKeys {
 public:
  struct Backend {
    std::int32_t process_id, secret_key;
  };
  // A fresh random (pid, secret) for the client, mapped to the backend until forget().
  std::pair<std::int32_t, std::int32_t> issue(Backend backend);
  std::optional<Backend> find(std::int32_t process_id, std::int32_t secret_key) const;
  void forget(std::int32_t process_id, std::int32_t secret_key);

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::int32_t, std::int32_t>, Backend> keys_;
};

}  // namespace edgepg::gateway
