#include "edgepg/client/pool.hpp"

#include <condition_variable>
#include <mutex>
#include <vector>

namespace edgepg {

struct Pool::Lease::State {
  ConnectOptions options;
  PoolOptions pool;
  mutable std::mutex mutex;
  std::condition_variable returned;
  struct Idle {
    std::unique_ptr<Connection> conn;
    std::chrono::steady_clock::time_point since;
  };
  std::vector<Idle> idle;  // back: most recently returned
  std::size_t open = 0;    // idle + leased + being opened
  bool closing = false;

  void give_back(std::unique_ptr<Connection> conn) noexcept {
    const bool reusable = conn->is_open() && conn->transaction_status() == pg::TransactionStatus::idle;
    std::unique_ptr<Connection> to_close;
    {
      std::lock_guard lock(mutex);
      if (reusable && !closing) {
        idle.push_back(Idle{std::move(conn), std::chrono::steady_clock::now()});
      } else {
        to_close = std::move(conn);
        --open;
      }
    }
    returned.notify_one();
    // to_close's destructor sends Terminate outside the lock.
  }
};

Pool::Lease::Lease(std::shared_ptr<State> state, std::unique_ptr<Connection> conn) noexcept
    : state_(std::move(state)), conn_(std::move(conn)) {}

Pool::Lease::Lease(Lease&& other) noexcept = default;

Pool::Lease::~Lease() {
  if (state_ && conn_) state_->give_back(std::move(conn_));
}

Pool::Pool(ConnectOptions options, PoolOptions pool_options) : state_(std::make_shared<Lease::State>()) {
  if (pool_options.max_connections == 0) throw Error(ErrorCode::invalid_argument, "max_connections must be at least 1");
  state_->options = std::move(options);
  state_->pool = pool_options;
}

Pool::Pool(std::string_view connection_string, PoolOptions pool_options)
    : Pool(parse_connection_string(connection_string), pool_options) {}

Pool::~Pool() {
  {
    std::lock_guard lock(state_->mutex);
    state_->closing = true;
  }
  clear();
}

Pool::Lease Pool::acquire() {
  Lease::State& s = *state_;
  const auto deadline = std::chrono::steady_clock::now() + s.pool.acquire_timeout;
  std::vector<std::unique_ptr<Connection>> stale;  // closed outside the lock
  std::unique_lock lock(s.mutex);
  for (;;) {
    while (!s.idle.empty()) {
      Lease::State::Idle entry = std::move(s.idle.back());
      s.idle.pop_back();
      const bool expired =
          s.pool.idle_timeout.count() > 0 && std::chrono::steady_clock::now() - entry.since > s.pool.idle_timeout;
      if (entry.conn->is_open() && !expired) return Lease(state_, std::move(entry.conn));
      --s.open;
      stale.push_back(std::move(entry.conn));
    }
    if (s.open < s.pool.max_connections) break;
    if (s.returned.wait_until(lock, deadline) == std::cv_status::timeout && s.idle.empty() &&
        s.open >= s.pool.max_connections) {
      throw Error(ErrorCode::timed_out, "no pooled connection came free within acquire_timeout");
    }
  }
  ++s.open;  // reserve the slot, then connect without holding the lock
  lock.unlock();
  stale.clear();
  try {
    return Lease(state_, std::make_unique<Connection>(s.options));
  } catch (...) {
    {
      std::lock_guard relock(s.mutex);
      --s.open;
    }
    s.returned.notify_one();
    throw;
  }
}

std::size_t Pool::open_connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->open;
}

std::size_t Pool::idle_connections() const {
  std::lock_guard lock(state_->mutex);
  return state_->idle.size();
}

void Pool::clear() {
  std::vector<Lease::State::Idle> idle;
  {
    std::lock_guard lock(state_->mutex);
    idle.swap(state_->idle);
    state_->open -= idle.size();
  }
  state_->returned.notify_all();
}

}  // namespace edgepg
