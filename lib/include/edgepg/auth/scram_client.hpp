// SCRAM-SHA-256 client (RFC 5802, RFC 7677) as PostgreSQL uses it: no channel binding ("n,,"), an empty user name
// in client-first ("n=", the server uses the startup user), and the server's signature verified at the end, so a
// server that cannot prove it knows the password is refused.
//
//   ScramClient scram(password, nonce);            // nonce: printable ASCII without ',' (random, from the caller)
//   send(scram.client_first());
//   std::string final; if (auto s = scram.handle_server_first(msg, final); !s) ...; send(final);
//   if (auto s = scram.verify_server_final(msg); !s) ...   // ErrorCode::auth when the signature does not match
//
// Errors: ErrorCode::auth for a malformed or hostile server message (wrong nonce, bad salt, absurd iteration count,
// server-sent "e=" error, signature mismatch), ErrorCode::invalid_state when called out of order. No message contains
// the password or any derived key.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "edgepg/status.hpp"

namespace edgepg::auth {

// Keys derived from a password, salt and iteration count: what a reconnect may reuse instead of running PBKDF2.
struct ScramKeys {
  std::array<std::uint8_t, 32> client_key{};
  std::array<std::uint8_t, 32> server_key{};
};

// The default upper bound on the iteration count a server may ask for (PostgreSQL's default is 4096). A hostile
// server could otherwise make the client burn seconds of CPU per login; raise it per connection when needed.
inline constexpr std::uint32_t scram_default_max_iterations = 100'000;

class ScramClient {
 public:
  // username: what client-first carries; PostgreSQL ignores it and libpq sends it empty (the default).
  ScramClient(std::string password, std::string client_nonce, std::string username = {},
              std::uint32_t max_iterations = scram_default_max_iterations);
  ~ScramClient();
  ScramClient(const ScramClient&) = delete;
  ScramClient& operator=(const ScramClient&) = delete;

  [[nodiscard]] std::string client_first() const;
  Status handle_server_first(std::string_view server_first, std::string& client_final);
  Status verify_server_final(std::string_view server_final);

  // Set before handle_server_first to skip PBKDF2 when salt and iterations match what these keys were made from.
  void use_cached_keys(const ScramKeys& keys, std::string_view salt_b64, std::uint32_t iterations);
  // After handle_server_first: the derived keys and their salt and iteration count, for a cache.
  [[nodiscard]] const ScramKeys& keys() const noexcept { return keys_; }
  [[nodiscard]] const std::string& salt_b64() const noexcept { return salt_b64_; }
  [[nodiscard]] std::uint32_t iterations() const noexcept { return iterations_; }
  [[nodiscard]] bool used_cached_keys() const noexcept { return used_cache_; }

 private:
  std::string password_;
  std::string client_nonce_;
  std::string username_;  // escaped for SCRAM (',' -> =2C, '=' -> =3D)
  std::string auth_message_;
  ScramKeys keys_;
  std::string salt_b64_;
  std::uint32_t iterations_ = 0;
  std::uint32_t max_iterations_;
  bool have_cached_ = false;
  ScramKeys cached_;
  std::string cached_salt_b64_;
  std::uint32_t cached_iterations_ = 0;
  bool used_cache_ = false;
  enum class Step { first, final, done } step_ = Step::first;
};

// SASLprep (RFC 4013) of a password as PostgreSQL applies it before SCRAM, in the server (when it stores the SCRAM
// secret) and in libpq: non-ASCII spaces become ' ', characters "commonly mapped to nothing" are removed, the result
// is normalised to NFKC. An all-ASCII password, invalid UTF-8, a password of more than 1024 bytes, an empty mapped
// result, a prohibited or unassigned (Unicode 3.2) character or a failed bidi check keep the raw password, as
// PostgreSQL does.
std::string saslprep_password(std::string_view password);

// PostgreSQL's MD5 password exchange: "md5" + md5hex(md5hex(password + user) + salt).
std::string md5_password_response(std::string_view user, std::string_view password, std::array<std::uint8_t, 4> salt);

}  // namespace edgepg::auth
