// The frontend connection state machine, sans-IO: server bytes go in through receive(), events come out through
// an EventSink the caller implements, and the bytes to send accumulate in output() until the caller drains them.
// It runs the startup and authentication exchange itself (cleartext, MD5, SCRAM-SHA-256 with the server's
// signature verified) and tracks the transaction status; queries may be pipelined, each ended by its own Sync.
//
// Lifecycle: startup -> authenticating [-> awaiting_password] -> authenticated -> ready -> (closed | failed).
// With a pipelined login (pipeline_password) queries may be queued from authenticating on.
// Errors returned by receive() are fatal for the connection (phase failed): ErrorCode::protocol, message_too_large,
// auth, unsupported. A server ErrorResponse is an event (on_error), fatal only during startup or when FATAL/PANIC.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edgepg/auth/scram_client.hpp"
#include "edgepg/pg/auth_policy.hpp"
#include "edgepg/pg/backend_parser.hpp"
#include "edgepg/pg/frontend.hpp"
#include "edgepg/pg/messages.hpp"
#include "edgepg/status.hpp"

namespace edgepg::pg {

struct ConnectionOptions {
  std::string user;
  std::string database;  // empty: the server uses the user name
  std::string application_name;
  std::vector<std::pair<std::string, std::string>> parameters;  // further startup parameters (e.g. options)
  std::size_t max_message_size = default_max_message_size;
  // Random, printable, no ','; at least 18 characters. Randomness is an input: the caller draws it.
  std::string scram_nonce;
  // The authentication requests the client answers (see auth_policy.hpp). The faces default it to SCRAM only
  // when a password is configured; the core itself answers whatever the policy allows.
  AuthPolicy auth_policy = AuthPolicy::any();
  std::uint32_t scram_max_iterations = auth::scram_default_max_iterations;
  // Bounds on what a server may make the client keep: distinct ParameterStatus names (PostgreSQL 15 reports 14)
  // and the bytes of their names and values together. Past them the connection fails (ErrorCode::protocol).
  std::size_t max_parameter_statuses = 256;
  std::size_t max_parameter_bytes = 64 * 1024;
};

// An extended-protocol query: [Close statement, Parse,] Bind, Describe portal, Execute, Sync.
struct ExtendedQuery {
  std::string_view sql;  // sent with Parse
  std::span<const Param> params;
  // Empty: every parameter in text format; else one format code per parameter (0 text, 1 binary: the raw bytes of
  // the type's binary representation, e.g. bytea's bytes or text's UTF-8).
  std::span<const std::int16_t> param_formats;
  std::span<const std::uint32_t> param_types;  // empty: the server infers; else one OID per parameter (0 = infer)
  std::string_view statement;                  // "" is the unnamed statement
  // false: Bind `statement`, parsed earlier on this connection, without a Parse. A named statement that is parsed is
  // closed first (Close of a statement that does not exist is no error), so one left from an earlier attempt whose
  // outcome the caller could not know never fails the Parse with 42P05.
  bool parse = true;
};

// Events of a connection. Defaults ignore; implement what you need. Bodies are valid only during the call.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_password_needed() {}  // call provide_password() (now or later) to go on
  virtual void on_authenticated() {}    // AuthenticationOk: the server accepted us (and proved itself, with SCRAM)
  virtual void on_parameter_status(const ParameterStatus&) {}
  virtual void on_backend_key_data(const BackendKeyData&) {}
  virtual void on_ready(TransactionStatus) {}
  virtual void on_row_description(const std::vector<FieldDescription>&) {}
  virtual void on_data_row(Bytes /*body: read with DataRowReader*/) {}
  virtual void on_command_complete(const CommandComplete&) {}
  virtual void on_empty_query() {}
  virtual void on_error(const ErrorFields&, bool /*fatal*/) {}
  virtual void on_notice(const ErrorFields&) {}
  virtual void on_notification(const Notification&) {}
  virtual void on_parse_complete() {}
  virtual void on_bind_complete() {}
  virtual void on_close_complete() {}
  virtual void on_no_data() {}
  virtual void on_portal_suspended() {}
  virtual void on_parameter_description(const std::vector<std::uint32_t>&) {}
};

// Values are stable: the JS layer reads them.
enum class Phase { startup, authenticating, awaiting_password, authenticated, ready, closed, failed };

class Connection {
 public:
  Connection(ConnectionOptions options, EventSink& sink);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Adds a startup parameter (e.g. options, statement_timeout) before start(); ErrorCode::invalid_state after it.
  Status add_startup_parameter(std::string name, std::string value);
  // Sets the authentication policy and the SCRAM iteration limit before start(); ErrorCode::invalid_state after it.
  Status configure_auth(AuthPolicy policy, std::uint32_t scram_max_iterations);
  // Queues the StartupMessage. ErrorCode::invalid_argument for NUL bytes or an empty user.
  Status start();
  // Gives the password now (before start, or when on_password_needed fired). It is wiped once used.
  Status provide_password(std::string password);
  // A pipelined login: right after start(), queues the PasswordMessage behind the StartupMessage without waiting
  // for the server to ask, and lets queries be queued before the login's ReadyForQuery (they run once it is done; a
  // refused login fails them unrun). Only when the password is known and the policy allows nothing but a cleartext
  // password (require_auth=password, e.g. a token for the gateway or RDS IAM): that is the one method whose answer
  // does not depend on the server's request. The server's AuthenticationCleartextPassword is then answered already;
  // any other request fails the connection as the policy says. ErrorCode::invalid_state otherwise.
  Status pipeline_password();
  [[nodiscard]] bool login_pipelined() const noexcept { return pipelined_; }
  // Reuse SCRAM keys derived earlier for the same password (see ScramClient::use_cached_keys).
  void use_scram_keys(const auth::ScramKeys& keys, std::string salt_b64, std::uint32_t iterations);
  // Feeds server bytes and runs every whole message through the state machine.
  Status receive(Bytes chunk);

  // A simple-protocol query (may hold several statements).
  Status query(std::string_view sql);
  // An extended-protocol query: Parse (unnamed) / Bind / Describe portal / Execute / Sync, all text format.
  // param_types may be empty (the server infers) or one OID per parameter (0 = infer).
  Status query_params(std::string_view sql, std::span<const Param> params,
                      std::span<const std::uint32_t> param_types = {});
  // Any extended-protocol query (see ExtendedQuery). ErrorCode::invalid_argument: NUL in the SQL text or the name,
  // more than 65535 parameters, types or formats whose count is not the parameters' count, a format other than 0
  // or 1, parse = false for the unnamed statement; ErrorCode::invalid_state when no query can be sent now.
  Status query_extended(const ExtendedQuery& q);
  // Queues Terminate; the connection is closed for further queries.
  void terminate();
  // The connection broke outside the protocol (socket closed): no more input or queries.
  void mark_closed() noexcept;

  // Bytes to send. Drain them all (one write), then clear_output().
  [[nodiscard]] std::span<const std::uint8_t> output() const noexcept { return writer_.data(); }
  void clear_output() noexcept;

  [[nodiscard]] Phase phase() const noexcept { return phase_; }
  [[nodiscard]] TransactionStatus transaction_status() const noexcept { return tx_; }
  [[nodiscard]] const std::map<std::string, std::string>& server_parameters() const noexcept { return server_params_; }
  [[nodiscard]] std::optional<BackendKeyData> backend_key_data() const noexcept { return key_data_; }
  // After a SCRAM login: the keys a later connection with the same password may reuse.
  [[nodiscard]] const std::optional<std::pair<auth::ScramKeys, std::pair<std::string, std::uint32_t>>>& scram_keys()
      const noexcept {
    return derived_keys_;
  }
  // Whether the last SCRAM login reused cached keys (and so ran no PBKDF2).
  [[nodiscard]] bool scram_used_cached_keys() const noexcept { return scram_used_cache_; }

 private:
  Status handle(const RawMessage& m);
  Status handle_authentication(Bytes body);
  Status answer_password_request();
  Status fail(Status s);
  Status check_policy(AuthRequest request) const;
  Status remember_parameter(const ParameterStatus& p);
  Status check_ready_for_query() const;
  void forget_password() noexcept;

  ConnectionOptions options_;
  EventSink& sink_;
  BackendParser parser_;
  FrontendWriter writer_;
  Phase phase_ = Phase::startup;
  TransactionStatus tx_ = TransactionStatus::idle;
  std::map<std::string, std::string> server_params_;
  std::optional<BackendKeyData> key_data_;

  std::optional<std::string> password_;
  Authentication pending_auth_;  // the request waiting for a password
  std::vector<std::uint8_t> pending_auth_data_;
  std::unique_ptr<auth::ScramClient> scram_;
  bool sasl_done_ = false;
  bool auth_requested_ = false;  // the server asked for some authentication before AuthenticationOk
  bool pipelined_ = false;       // the password went with the startup (pipeline_password)
  std::size_t parameter_bytes_ = 0;
  std::optional<std::pair<auth::ScramKeys, std::pair<std::string, std::uint32_t>>> cached_keys_;
  std::optional<std::pair<auth::ScramKeys, std::pair<std::string, std::uint32_t>>> derived_keys_;
  bool scram_used_cache_ = false;
  std::vector<FieldDescription> fields_scratch_;
};

}  // namespace edgepg::pg
