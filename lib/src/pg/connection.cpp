#include "edgepg/pg/connection.hpp"

#include <algorithm>

#include "../crypto/crypto.hpp"
#include "util/hex.hpp"

namespace edgepg::pg {
namespace {

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

std::string_view as_text(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

bool fatal_severity(const ErrorFields& e) {
  const auto& s = e.severity_nonlocal.empty() ? e.severity : e.severity_nonlocal;
  return s == "FATAL" || s == "PANIC";
}

}  // namespace

Connection::Connection(ConnectionOptions options, EventSink& sink)
    : options_(std::move(options)), sink_(sink), parser_(options_.max_message_size) {}

Connection::~Connection() {
  forget_password();
  writer_.wipe();
}

void Connection::forget_password() noexcept {
  if (password_) {
    crypto::cleanse(password_->data(), password_->size());
    password_.reset();
  }
}

Status Connection::fail(Status s) {
  phase_ = Phase::failed;
  forget_password();
  return s;
}

Status Connection::add_startup_parameter(std::string name, std::string value) {
  if (phase_ != Phase::startup || !writer_.empty()) {
    return Status(ErrorCode::invalid_state, "startup parameters must be set before the connection starts");
  }
  options_.parameters.emplace_back(std::move(name), std::move(value));
  return {};
}

Status Connection::configure_auth(AuthPolicy policy, std::uint32_t scram_max_iterations) {
  if (phase_ != Phase::startup || !writer_.empty()) {
    return Status(ErrorCode::invalid_state, "the authentication policy must be set before the connection starts");
  }
  if (scram_max_iterations == 0) return Status(ErrorCode::invalid_argument, "scram_max_iterations must be at least 1");
  options_.auth_policy = policy;
  options_.scram_max_iterations = scram_max_iterations;
  return {};
}

Status Connection::start() {
  if (phase_ != Phase::startup || !writer_.empty())
    return Status(ErrorCode::invalid_state, "connection already started");
  if (options_.user.empty())
    return Status(ErrorCode::invalid_argument, "no user name: set user in the connection options");
  std::vector<std::pair<std::string, std::string>> params;
  params.emplace_back("user", options_.user);
  if (!options_.database.empty()) params.emplace_back("database", options_.database);
  if (!options_.application_name.empty()) params.emplace_back("application_name", options_.application_name);
  params.emplace_back("client_encoding", "UTF8");
  for (const auto& p : options_.parameters) {
    if (p.first.empty()) return Status(ErrorCode::invalid_argument, "empty startup parameter name");
    params.push_back(p);
  }
  for (const auto& [k, v] : params) {
    if (has_nul(k) || has_nul(v)) {
      return Status(ErrorCode::invalid_argument,
                    "startup parameter '" + (has_nul(k) ? std::string("?") : k) + "' contains a NUL byte");
    }
  }
  writer_.startup(params);
  phase_ = Phase::authenticating;
  return {};
}

Status Connection::provide_password(std::string password) {
  if (has_nul(password)) {
    crypto::cleanse(password.data(), password.size());
    return Status(ErrorCode::invalid_argument, "the password contains a NUL byte");
  }
  forget_password();
  password_ = std::move(password);
  if (phase_ == Phase::awaiting_password) {
    phase_ = Phase::authenticating;
    if (auto s = answer_password_request(); !s) return fail(std::move(s));
  }
  return {};
}

Status Connection::pipeline_password() {
  const AuthPolicy& p = options_.auth_policy;
  if (!p.password || p.md5 || p.scram || p.none) {
    return Status(ErrorCode::invalid_state,
                  "a pipelined login sends the password before the server asks for it, so it needs "
                  "require_auth=password (cleartext only; the password is then the same whatever the server asks)");
  }
  if (phase_ != Phase::authenticating || auth_requested_ || pipelined_) {
    return Status(ErrorCode::invalid_state, "a pipelined login must be asked for right after start()");
  }
  if (!password_) return Status(ErrorCode::invalid_state, "a pipelined login needs the password: provide it first");
  writer_.password(*password_);
  pipelined_ = true;
  forget_password();
  return {};
}

void Connection::use_scram_keys(const auth::ScramKeys& keys, std::string salt_b64, std::uint32_t iterations) {
  cached_keys_.emplace(keys, std::make_pair(std::move(salt_b64), iterations));
}

void Connection::clear_output() noexcept {
  // Login messages carry secrets (password, SCRAM proof): wipe them rather than just forget them.
  if (phase_ == Phase::ready) {
    writer_.clear();
  } else {
    writer_.wipe();
  }
}

Status Connection::receive(Bytes chunk) {
  if (phase_ == Phase::failed || phase_ == Phase::closed) return Status(ErrorCode::closed, "the connection is closed");
  if (auto s = parser_.feed(chunk); !s) return fail(std::move(s));
  RawMessage m;
  for (;;) {
    const auto step = parser_.next(m);
    if (step == ParseStep::need_more) return {};
    if (step == ParseStep::error) return fail(parser_.error());
    if (auto s = handle(m); !s) return fail(std::move(s));
    // A fatal ErrorResponse was delivered through on_error: that is the answer; ignore whatever follows it.
    if (phase_ == Phase::failed) return {};
  }
}

Status Connection::handle(const RawMessage& m) {
  switch (m.type) {
    case backend::data_row:
      sink_.on_data_row(m.body);
      return {};
    case backend::authentication:
      if (phase_ != Phase::authenticating) {
        return Status(ErrorCode::protocol, "server sent an authentication request outside the login exchange");
      }
      return handle_authentication(m.body);
    case backend::parameter_status: {
      ParameterStatus p;
      if (auto s = decode_parameter_status(m.body, p); !s) return s;
      if (auto s = remember_parameter(p); !s) return s;
      sink_.on_parameter_status(p);
      return {};
    }
    case backend::backend_key_data: {
      BackendKeyData k;
      if (auto s = decode_backend_key_data(m.body, k); !s) return s;
      key_data_ = k;
      sink_.on_backend_key_data(k);
      return {};
    }
    case backend::ready_for_query: {
      if (auto s = decode_ready_for_query(m.body, tx_); !s) return s;
      if (phase_ == Phase::startup || phase_ == Phase::authenticating || phase_ == Phase::awaiting_password) {
        return Status(ErrorCode::protocol, "server sent ReadyForQuery before authentication completed");
      }
      phase_ = Phase::ready;
      sink_.on_ready(tx_);
      return {};
    }
    case backend::row_description:
      if (auto s = decode_row_description(m.body, fields_scratch_); !s) return s;
      sink_.on_row_description(fields_scratch_);
      return {};
    case backend::command_complete: {
      CommandComplete c;
      if (auto s = decode_command_complete(m.body, c); !s) return s;
      sink_.on_command_complete(c);
      return {};
    }
    case backend::error_response: {
      ErrorFields e;
      if (auto s = decode_error_fields(m.body, e); !s) return s;
      const bool fatal = phase_ != Phase::ready || fatal_severity(e);
      if (fatal) {
        phase_ = Phase::failed;
        forget_password();
      }
      sink_.on_error(e, fatal);
      return {};
    }
    case backend::notice_response: {
      ErrorFields e;
      if (auto s = decode_error_fields(m.body, e); !s) return s;
      sink_.on_notice(e);
      return {};
    }
    case backend::notification_response: {
      Notification n;
      if (auto s = decode_notification(m.body, n); !s) return s;
      sink_.on_notification(n);
      return {};
    }
    case backend::parameter_description: {
      std::vector<std::uint32_t> oids;
      if (auto s = decode_parameter_description(m.body, oids); !s) return s;
      sink_.on_parameter_description(oids);
      return {};
    }
    case backend::parse_complete:
      if (auto s = expect_empty(m.body, m.type); !s) return s;
      sink_.on_parse_complete();
      return {};
    case backend::bind_complete:
      if (auto s = expect_empty(m.body, m.type); !s) return s;
      sink_.on_bind_complete();
      return {};
    case backend::close_complete:
      if (auto s = expect_empty(m.body, m.type); !s) return s;
      sink_.on_close_complete();
      return {};
    case backend::no_data:
      if (auto s = expect_empty(m.body, m.type); !s) return s;
      sink_.on_no_data();
      return {};
    case backend::portal_suspended:
      if (auto s = expect_empty(m.body, m.type); !s) return s;
      sink_.on_portal_suspended();
      return {};
    case backend::empty_query_response:
      if (auto s = expect_empty(m.body, m.type); !s) return s;
      sink_.on_empty_query();
      return {};
    case backend::negotiate_protocol_version: {
      NegotiateProtocolVersion v;
      return decode_negotiate_protocol_version(m.body, v);  // we ask for 3.0 with no options: nothing to adapt
    }
    case backend::copy_in_response:
    case backend::copy_out_response:
    case backend::copy_both_response:
      return Status(ErrorCode::unsupported, "COPY is not supported by this client yet: use INSERT/SELECT instead");
    default: {
      const auto type = static_cast<std::uint8_t>(m.type);
      return Status(ErrorCode::protocol, "server sent an unknown message type 0x" + util::hex_lower({&type, 1}));
    }
  }
}

Status Connection::handle_authentication(Bytes body) {
  Authentication a;
  if (auto s = decode_authentication(body, a); !s) return s;
  switch (a.request) {
    case AuthRequest::ok:
      // Once SCRAM has started, only a verified server-final may lead here.
      if (scram_ && !sasl_done_) {
        return Status(ErrorCode::auth,
                      "server skipped the SCRAM server signature: it did not prove it knows the password");
      }
      if (!auth_requested_ && !options_.auth_policy.none) {
        return Status(ErrorCode::auth,
                      "the server accepted the login without asking for the password (trust), which "
                      "require_auth does not allow (" +
                          options_.auth_policy.describe() +
                          "): it may not be the server you meant; add none to require_auth only if trust "
                          "is expected");
      }
      forget_password();
      phase_ = Phase::authenticated;
      sink_.on_authenticated();
      return {};
    case AuthRequest::cleartext_password:
    case AuthRequest::md5_password:
    case AuthRequest::sasl:
      if (scram_) return Status(ErrorCode::protocol, "server restarted authentication in the middle of SCRAM");
      // Checked before the password is asked for or sent: a refused method never sees it.
      if (auto s = check_policy(a.request); !s) return s;
      if (pipelined_) {
        // The PasswordMessage went with the startup: this request is answered already, and only once.
        if (auth_requested_) return Status(ErrorCode::protocol, "server asked for the password twice");
        auth_requested_ = true;
        return {};
      }
      auth_requested_ = true;
      pending_auth_ = a;
      pending_auth_data_.assign(a.data.begin(), a.data.end());
      if (!password_) {
        phase_ = Phase::awaiting_password;
        sink_.on_password_needed();
        return {};
      }
      return answer_password_request();
    case AuthRequest::sasl_continue: {
      if (!scram_) return Status(ErrorCode::protocol, "server sent SASLContinue without a SASL exchange");
      std::string client_final;
      if (auto s = scram_->handle_server_first(as_text(a.data), client_final); !s) return s;
      writer_.sasl_response(client_final);
      crypto::cleanse(client_final.data(), client_final.size());
      derived_keys_.emplace(scram_->keys(), std::make_pair(scram_->salt_b64(), scram_->iterations()));
      scram_used_cache_ = scram_->used_cached_keys();
      return {};
    }
    case AuthRequest::sasl_final:
      if (!scram_) return Status(ErrorCode::protocol, "server sent SASLFinal without a SASL exchange");
      if (auto s = scram_->verify_server_final(as_text(a.data)); !s) {
        derived_keys_.reset();
        return s;
      }
      sasl_done_ = true;
      return {};
    default:
      return Status(ErrorCode::unsupported,
                    "server asks for an authentication method this client does not support "
                    "(Kerberos/GSSAPI/SSPI): configure password, md5 or scram-sha-256 in pg_hba.conf");
  }
}

Status Connection::check_policy(AuthRequest request) const {
  const AuthPolicy& p = options_.auth_policy;
  const char* method = nullptr;
  if (request == AuthRequest::cleartext_password && !p.password) method = "the password in cleartext (password)";
  if (request == AuthRequest::md5_password && !p.md5) method = "an MD5 password hash (md5)";
  if (request == AuthRequest::sasl && !p.scram) method = "SASL (scram-sha-256)";
  if (method == nullptr) return {};
  return Status(ErrorCode::auth,
                std::string("the server asks for ") + method + ", which require_auth does not allow (" + p.describe() +
                    ")" +
                    (pipelined_ ? "; the password had gone with the startup (pipelined login), nothing else was sent"
                                : "; nothing was sent") +
                    ". If this server is the one you meant, allow the method in require_auth (e.g. "
                    "require_auth=password for RDS IAM tokens)");
}

Status Connection::remember_parameter(const ParameterStatus& p) {
  auto it = server_params_.find(p.name);
  if (it == server_params_.end()) {
    if (server_params_.size() >= options_.max_parameter_statuses) {
      return Status(ErrorCode::protocol, "the server sent more than " +
                                             std::to_string(options_.max_parameter_statuses) +
                                             " distinct ParameterStatus names (max_parameter_statuses)");
    }
    parameter_bytes_ += p.name.size() + p.value.size();
    it = server_params_.emplace(p.name, std::string{}).first;
  } else {
    parameter_bytes_ = parameter_bytes_ - it->second.size() + p.value.size();
  }
  if (parameter_bytes_ > options_.max_parameter_bytes) {
    return Status(ErrorCode::protocol, "the server's ParameterStatus names and values exceed " +
                                           std::to_string(options_.max_parameter_bytes) +
                                           " bytes (max_parameter_bytes)");
  }
  it->second = p.value;
  return {};
}

Status Connection::answer_password_request() {
  const std::string& pw = *password_;
  switch (pending_auth_.request) {
    case AuthRequest::cleartext_password:
      writer_.password(pw);
      break;
    case AuthRequest::md5_password: {
      std::array<std::uint8_t, 4> salt{};
      std::copy_n(pending_auth_data_.begin(), 4, salt.begin());
      std::string response = auth::md5_password_response(options_.user, pw, salt);
      writer_.password(response);
      crypto::cleanse(response.data(), response.size());
      break;
    }
    case AuthRequest::sasl: {
      const auto& mechs = pending_auth_.mechanisms;
      if (std::find(mechs.begin(), mechs.end(), "SCRAM-SHA-256") == mechs.end()) {
        return Status(ErrorCode::unsupported,
                      "server offers no SASL mechanism this client supports (needs SCRAM-SHA-256)");
      }
      if (options_.scram_nonce.size() < 18) {
        return Status(ErrorCode::invalid_argument, "SCRAM needs a random client nonce of at least 18 characters");
      }
      scram_ =
          std::make_unique<auth::ScramClient>(pw, options_.scram_nonce, std::string{}, options_.scram_max_iterations);
      if (cached_keys_)
        scram_->use_cached_keys(cached_keys_->first, cached_keys_->second.first, cached_keys_->second.second);
      writer_.sasl_initial_response("SCRAM-SHA-256", scram_->client_first());
      break;
    }
    default:
      return Status(ErrorCode::invalid_state, "no password request is pending");
  }
  forget_password();
  return {};
}

Status Connection::check_ready_for_query() const {
  if (phase_ == Phase::ready) return {};
  // Behind a pipelined login: the server runs them once the login is done.
  if (pipelined_ && (phase_ == Phase::authenticating || phase_ == Phase::authenticated)) return {};
  if (phase_ == Phase::closed || phase_ == Phase::failed) return Status(ErrorCode::closed, "the connection is closed");
  return Status(ErrorCode::invalid_state, "the connection is not ready: wait for login to finish");
}

Status Connection::query(std::string_view sql) {
  if (auto s = check_ready_for_query(); !s) return s;
  if (has_nul(sql)) return Status(ErrorCode::invalid_argument, "the query text contains a NUL byte");
  writer_.query(sql);
  return {};
}

Status Connection::query_params(std::string_view sql, std::span<const Param> params,
                                std::span<const std::uint32_t> param_types) {
  ExtendedQuery q;
  q.sql = sql;
  q.params = params;
  q.param_types = param_types;
  return query_extended(q);
}

Status Connection::query_extended(const ExtendedQuery& q) {
  if (auto s = check_ready_for_query(); !s) return s;
  if (has_nul(q.sql)) return Status(ErrorCode::invalid_argument, "the query text contains a NUL byte");
  if (has_nul(q.statement)) return Status(ErrorCode::invalid_argument, "the statement name contains a NUL byte");
  if (q.params.size() > 65535) return Status(ErrorCode::invalid_argument, "more than 65535 parameters");
  if (!q.param_types.empty() && q.param_types.size() != q.params.size()) {
    return Status(ErrorCode::invalid_argument, "parameter types and values differ in count");
  }
  if (!q.param_formats.empty() && q.param_formats.size() != q.params.size()) {
    return Status(ErrorCode::invalid_argument, "parameter formats and values differ in count");
  }
  for (const auto f : q.param_formats) {
    if (f != 0 && f != 1)
      return Status(ErrorCode::invalid_argument, "a parameter format is neither 0 (text) nor 1 (binary)");
  }
  if (!q.parse && q.statement.empty()) {
    return Status(ErrorCode::invalid_argument, "the unnamed statement must be parsed with each query");
  }
  if (q.parse) {
    if (!q.statement.empty()) writer_.close('S', q.statement);
    writer_.parse(q.statement, q.sql, q.param_types);
  }
  writer_.bind("", q.statement, q.params, q.param_formats);
  writer_.describe('P', "");
  writer_.execute("", 0);
  writer_.sync();
  return {};
}

void Connection::terminate() {
  if (phase_ != Phase::startup && phase_ != Phase::closed && phase_ != Phase::failed) {
    writer_.terminate();
  }
  phase_ = Phase::closed;
  forget_password();
}

void Connection::mark_closed() noexcept {
  if (phase_ != Phase::failed) phase_ = Phase::closed;
  forget_password();
}

}  // namespace edgepg::pg
