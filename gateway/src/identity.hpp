// Who a token says the client is, and which PostgreSQL role that makes it: the core's JWT verifier with the
// configured keys (a JWKS file, a remote JWKS cached by the native face, or an HMAC secret), the claims policy and
// the role allowlist. Thread-safe; verification never opens an upstream connection.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"

namespace edgepg::gateway {

struct Identity {
  std::string sub;
  std::string iss;
  std::string role;
  std::string claims_json;  // the verified payload, as signed
  bool anonymous = false;
  bool from_cache = false;  // the token was verified earlier (identity.token_cache_entries); its claims checked again
};

struct Refusal {
  std::string code;     // ERR_JWT_EXPIRED, ERR_JWT_ROLE_NOT_ALLOWED, ... (never the token)
  std::string message;  // what happened and what to do
};

// How long one fetch of identity.jwks_url may take: half the login's deadline (limits.auth_timeout_ms), at most 10 s.
std::chrono::milliseconds jwks_timeout(const Config& config);

class IdentityVerifier {
 public:
  // Loads the keys (jwks_file, secret_file) or prepares the remote JWKS cache; throws ConfigError when unusable.
  // jwks_timeout: how long one fetch of jwks_url may take (a login, and the start, wait for it).
  IdentityVerifier(const IdentityConfig& config, std::chrono::milliseconds jwks_timeout);
  ~IdentityVerifier();

  // Verifies `token` and maps it to a role. requested_role: the startup user; when it names one of the roles the
  // token grants (and allowed_roles has), that one is used, else the token's first allowed role. An empty token
  // means anonymous (anonymous_role, or a refusal). False with `refusal` filled when the client gets nothing.
  bool verify(std::string_view token, std::string_view requested_role, Identity& out, Refusal& refusal) const;

  // verify() for a token verified earlier, decided without blocking (its cached verification and, with jwks_url,
  // the key set cached and fresh); nullopt when only verify() can decide. For callers that must not block (the
  // gateway's io threads): a hit needs no hop to the blocking pool.
  std::optional<bool> verify_if_cached(std::string_view token, std::string_view requested_role, Identity& out,
                                       Refusal& refusal) const;

  // Fetches a remote JWKS now (startup, readiness). False with `why` when it cannot be had.
  bool warm(std::string& why) const;

  // Whether verify and warm may block on the network (jwks_url: a fetch of the keys, up to jwks_timeout).
  [[nodiscard]] bool may_block() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgepg::gateway
