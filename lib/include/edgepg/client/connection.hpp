// A synchronous PostgreSQL connection for native C++ services: the sans-IO pg::Connection of the core driven over
// a blocking transport (TCP, TLS, or a WebSocket tunnel; see options.hpp). Not thread-safe: use one Connection from
// one thread at a time, or a Pool.
//
//   edgepg::Connection conn("postgresql://app:secret@db:5432/app?sslmode=verify-full&sslrootcert=/etc/ca.pem");
//   edgepg::Result r = conn.query("select id, name from users where id = $1", {42});
//   conn.transaction([](edgepg::Connection& tx) {
//     tx.query("select set_config('role', $1, true)", {"app_reader"});
//     return tx.query("select current_user");
//   });
//
// Errors: every call throws edgepg::Error (see error.hpp). A server ErrorResponse to a query throws with the
// SQLSTATE and leaves the connection usable. Anything else (the socket or the protocol broke, a FATAL error, a
// query timeout) closes the connection for good: is_open() turns false and later calls throw ECONNCLOSED.
#pragma once

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "edgepg/client/options.hpp"
#include "edgepg/client/param.hpp"
#include "edgepg/client/result.hpp"
#include "edgepg/error.hpp"
#include "edgepg/pg/messages.hpp"

namespace edgepg {

// What the connection negotiated.
struct ConnectionInfo {
  bool tls = false;            // PostgreSQL's own TLS (after SSLRequest)
  bool websocket = false;      // tunnelled through a WebSocket proxy
  bool websocket_tls = false;  // wss://
  std::int32_t backend_pid = 0;
};

class Connection {
 public:
  // Connects and logs in (within connect_timeout). Throws edgepg::Error.
  explicit Connection(std::string_view connection_string);
  explicit Connection(ConnectOptions options);
  ~Connection();  // sends Terminate and closes; never throws
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;

  // Simple query protocol: `sql` may hold several statements; the Result is the last one's (as libpq's PQexec).
  Result query(std::string_view sql);
  // Extended protocol with text parameters $1, $2, ... (one statement).
  Result query(std::string_view sql, std::initializer_list<Param> params);
  Result query(std::string_view sql, std::span<const Param> params);

  // Runs fn(*this) between BEGIN and COMMIT and returns what fn returns; ROLLBACK (and rethrow) when fn throws.
  // Throws EINVAL when a transaction is already open, and EROLLBACK when COMMIT found the transaction failed
  // (an error inside fn was caught and swallowed): the server rolled it back.
  template <class F>
  auto transaction(F&& fn) -> std::invoke_result_t<F&, Connection&> {
    using R = std::invoke_result_t<F&, Connection&>;
    begin_transaction();
    try {
      if constexpr (std::is_void_v<R>) {
        fn(*this);
        commit_transaction();
      } else {
        R result = fn(*this);
        commit_transaction();
        return result;
      }
    } catch (...) {
      rollback_quietly();
      throw;
    }
  }

  // Sends Terminate and closes the transport. Idempotent; never throws.
  void close() noexcept;
  // False once closed or broken.
  [[nodiscard]] bool is_open() const noexcept;
  [[nodiscard]] pg::TransactionStatus transaction_status() const noexcept;
  // A server parameter reported at login or later (server_version, TimeZone, ...), or nullopt.
  [[nodiscard]] std::optional<std::string> server_parameter(std::string_view name) const;
  [[nodiscard]] const ConnectionInfo& info() const noexcept;
  // Query timeout for later queries (0: none); the connection string's query_timeout sets the initial one.
  void set_query_timeout(std::chrono::milliseconds timeout) noexcept;

  struct Impl;

 private:
  void begin_transaction();
  void commit_transaction();
  void rollback_quietly() noexcept;

  std::unique_ptr<Impl> impl_;
};

}  // namespace edgepg
