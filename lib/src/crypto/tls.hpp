// A TLS session, sans-IO, for the native transports (client) and the gateway's listeners (server): ciphertext from
// the socket goes in (feed), ciphertext to send comes out (take_output), plaintext is read and written through the
// session. OpenSSL stays inside tls.cpp; no OpenSSL type appears here. Native only (the wasm build never compiles
// it).
//
//   auto s = TlsSession::create(config, session);
//   while ((step = session->handshake()) == TlsStep::want_read) { send(take_output()); feed(recv()); }
//   send(take_output());
//
// Certificate checks follow libpq's sslmode: none (encrypt only), chain (verify-ca: a chain to the trusted roots),
// chain_and_host (verify-full: also the host name or IP address against the certificate's SAN/CN).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "edgepg/status.hpp"

namespace edgepg::crypto {

enum class TlsVerify { none, chain, chain_and_host };

struct TlsConfig {
  TlsVerify verify = TlsVerify::chain_and_host;
  // PEM file of trusted roots; "system" or empty: OpenSSL's default verify paths.
  std::string root_cert_file;
  // The server's name: sent as SNI (unless it is an IP address, RFC 6066 §3) and checked under chain_and_host.
  std::string server_name;
};

enum class TlsStep {
  done,       // the call completed (handshake finished, bytes read or written)
  want_read,  // feed more ciphertext from the peer, then call again (send take_output() first)
  closed,     // the peer sent close_notify (read only)
  error,      // see error(); the session is unusable
};

// A server's certificate chain and private key (PEM files), loaded once and shared by every session it accepts.
// TLS 1.2 or newer. `alpn`: the application protocols the server speaks, in its order of preference ("postgresql",
// "http/1.1"): a client that offers ALPN without any of them is refused with the no_application_protocol alert.
class TlsServerContext {
 public:
  // Errors: ErrorCode::invalid_argument when a file cannot be read, is not PEM, or the key does not match the
  // certificate (the message names the file, never its contents).
  static Status create(const std::string& cert_file, const std::string& key_file, std::vector<std::string> alpn,
                       std::shared_ptr<const TlsServerContext>& out);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

 private:
  friend class TlsSession;
  struct Impl;
  explicit TlsServerContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class TlsSession {
 public:
  // Errors: ErrorCode::invalid_argument when the root certificate file cannot be loaded; ErrorCode::tls when OpenSSL
  // cannot set up the context.
  static Status create(const TlsConfig& config, std::unique_ptr<TlsSession>& out);
  // The server side of a session, with the context's certificate. Errors: ErrorCode::tls.
  static Status accept(const TlsServerContext& context, std::unique_ptr<TlsSession>& out);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // The application protocol ALPN selected ("" when the client offered none).
  [[nodiscard]] std::string alpn() const;

  // Drives the handshake. On error: ErrorCode::certificate when the server's certificate failed verification (the
  // message names the reason, e.g. "self-signed certificate in certificate chain" or a host name mismatch), else
  // ErrorCode::tls.
  TlsStep handshake();
  // Reads decrypted bytes into `out` (n set on done).
  TlsStep read(std::span<std::uint8_t> out, std::size_t& n);
  // Encrypts all of `data` into the output (memory BIOs never block).
  TlsStep write(std::span<const std::uint8_t> data);
  // Queues close_notify.
  void shutdown() noexcept;

  // Ciphertext from the peer.
  void feed(std::span<const std::uint8_t> ciphertext);
  // Moves the ciphertext to send into `out` (appending); returns how many bytes were added.
  std::size_t take_output(std::vector<std::uint8_t>& out);
  // Ciphertext fed but not yet decrypted, or plaintext decrypted but not yet read.
  [[nodiscard]] bool has_buffered_input() const noexcept;

  [[nodiscard]] const Status& error() const noexcept { return error_; }

 private:
  struct Impl;
  explicit TlsSession(std::unique_ptr<Impl> impl);
  TlsStep fail_from_ssl(int ret, const char* what);

  std::unique_ptr<Impl> impl_;
  Status error_;
};

}  // namespace edgepg::crypto
