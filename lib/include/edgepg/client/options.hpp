// Connection options for the native face, read from a libpq-style connection string: a URL
//   postgresql://user:password@host:port/database?sslmode=verify-full&sslrootcert=/path/ca.crt
// (postgres:// too; user, password, host and database percent-decoded; [v6::addr] hosts) or key/value pairs
//   host=db.example port=5432 user=app password='it''s' dbname=app sslmode=require
// (values may be single-quoted, with \' and \\ escapes, as libpq reads them).
//
// Keys (libpq's names where libpq has one): host (a name, an IP address, or a directory holding the Unix socket
// ".s.PGSQL.<port>"), hostaddr (the address to connect to; host then only names the server for TLS), port, user,
// password, dbname, application_name, options, require_auth, channel_binding, sslmode (disable, allow, prefer, require,
// verify-ca, verify-full; allow behaves like prefer), sslrootcert (a PEM file, or "system" for OpenSSL's default
// roots), connect_timeout (seconds), and edgepg's own: scram_max_iterations, query_timeout (seconds, may be
// fractional), websocket_url (ws://... or wss://...: tunnel the PostgreSQL stream through a WebSocket proxy such as
// websockify or Neon's wsproxy; the host and port then only matter to the proxy, which gets them in its URL). Unknown
// keys are refused (EINVAL), like libpq does.
//
// As in libpq: sslmode=require with an sslrootcert given verifies the chain like verify-ca; verify-ca and
// verify-full without sslrootcert use the system's roots. Over wss:// the proxy's certificate is always checked
// against its host name (sslrootcert, or the system's roots).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace edgepg {

enum class SslMode { disable, allow, prefer, require, verify_ca, verify_full };

const char* ssl_mode_name(SslMode mode) noexcept;

struct ConnectOptions {
  std::string host = "localhost";
  std::string hostaddr;
  std::uint16_t port = 5432;
  std::string user;
  std::string password;
  // Called at each connect when set (e.g. an RDS IAM token from a TokenCache); wins over password.
  std::function<std::string()> password_provider;
  std::string database;  // empty: the user name
  std::string application_name;
  std::string options;  // the startup "options" parameter, e.g. "-c search_path=app"
  SslMode sslmode = SslMode::prefer;
  std::string sslrootcert;
  std::string websocket_url;
  std::chrono::milliseconds connect_timeout{10'000};  // 0: no limit
  std::chrono::milliseconds query_timeout{0};         // 0: no limit
  // libpq's require_auth (see edgepg/pg/auth_policy.hpp). Unset: SCRAM only when a password or provider is set
  // (cleartext, MD5 and trust logins are refused: they must be asked for, e.g. "password" for RDS IAM tokens),
  // any method otherwise.
  std::optional<std::string> require_auth;
  // libpq's channel_binding: disable or prefer; require is refused (no SCRAM-SHA-256-PLUS in edgepg yet).
  std::string channel_binding = "prefer";
  std::uint32_t scram_max_iterations = 100'000;  // a server asking for more is refused (EAUTH)
};

// Refuses (EINVAL) a host that would change where the connection goes once it is put into a URL or a TLS name:
// '/', '?', '#', '@', '%', '\\', whitespace or control characters after %-decoding. A host starting with '/' is a
// Unix-socket directory, as in libpq, and is allowed.
void check_host(std::string_view host);

// Parses a URL or key/value string into options (over the defaults above). Throws edgepg::Error with code EINVAL
// naming the bad part (never echoing the password).
ConnectOptions parse_connection_string(std::string_view text);

// A ws:// or wss:// URL taken apart. Throws edgepg::Error (EINVAL) when it is not one.
struct WebSocketUrl {
  bool secure = false;
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 0;
  std::string target = "/";  // path and query
};
WebSocketUrl parse_websocket_url(std::string_view url);

}  // namespace edgepg
