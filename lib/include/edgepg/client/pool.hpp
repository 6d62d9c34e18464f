// A thread-safe pool of Connections with one set of options. Threads borrow a connection (acquire), use it alone,
// and give it back when the Lease ends; a connection that broke, or that is still inside a transaction, is closed
// instead of going back. At most max_connections are open at once; acquire() waits for one to come back.
//
//   edgepg::Pool pool("postgresql://app@db/app", {.max_connections = 8});
//   edgepg::Result r = pool.query("select $1::int", {1});           // from any thread
//   pool.transaction([](edgepg::Connection& tx) { ... });
//   { auto lease = pool.acquire(); lease->query("..."); lease->query("..."); }   // several queries, one session
//
// Errors: acquire() throws ETIMEDOUT after acquire_timeout, or what opening a connection threw; the Pool must
// outlive its Leases. Query errors are the Connection's.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include "edgepg/client/connection.hpp"

namespace edgepg {

struct PoolOptions {
  std::size_t max_connections = 10;
  std::chrono::milliseconds acquire_timeout{30'000};
  // Idle connections older than this (since last returned) are closed rather than reused; 0: kept forever.
  std::chrono::milliseconds idle_timeout{0};
};

class Pool {
 public:
  explicit Pool(ConnectOptions options, PoolOptions pool_options = {});
  explicit Pool(std::string_view connection_string, PoolOptions pool_options = {});
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Connection& operator*() const noexcept { return *conn_; }
    Connection* operator->() const noexcept { return conn_.get(); }

   private:
    friend class Pool;
    struct State;
    Lease(std::shared_ptr<State> state, std::unique_ptr<Connection> conn) noexcept;
    std::shared_ptr<State> state_;
    std::unique_ptr<Connection> conn_;
  };

  Lease acquire();

  Result query(std::string_view sql) { return acquire()->query(sql); }
  Result query(std::string_view sql, std::initializer_list<Param> params) { return acquire()->query(sql, params); }
  Result query(std::string_view sql, std::span<const Param> params) { return acquire()->query(sql, params); }

  template <class F>
  auto transaction(F&& fn) -> std::invoke_result_t<F&, Connection&> {
    Lease lease = acquire();
    return lease->transaction(std::forward<F>(fn));
  }

  [[nodiscard]] std::size_t open_connections() const;  // idle + leased
  [[nodiscard]] std::size_t idle_connections() const;
  // Closes the idle connections (leased ones close when they come back).
  void clear();

 private:
  std::shared_ptr<Lease::State> state_;
};

}  // namespace edgepg
