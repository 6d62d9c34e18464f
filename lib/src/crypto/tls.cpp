#include "tls.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <limits>

namespace edgepg::crypto {
namespace {

std::string openssl_error_text() {
  std::string text;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? std::string("unknown TLS error") : text;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

struct TlsSession::Impl {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  BIO* in = nullptr;   // ciphertext from the peer (owned by ssl)
  BIO* out = nullptr;  // ciphertext to the peer (owned by ssl)
  ~Impl() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
  // The SSL object over two memory BIOs, in the client or the server role.
  Status open(bool server) {
    ssl = SSL_new(ctx);
    in = BIO_new(BIO_s_mem());
    out = BIO_new(BIO_s_mem());
    if (!ssl || !in || !out) {
      if (in) BIO_free(in);
      if (out) BIO_free(out);
      return Status(ErrorCode::tls, "TLS: cannot create a session: " + openssl_error_text());
    }
    BIO_set_mem_eof_return(in, -1);  // an empty input means "want more", not end of stream
    SSL_set_bio(ssl, in, out);
    if (server) {
      SSL_set_accept_state(ssl);
    } else {
      SSL_set_connect_state(ssl);
    }
    return {};
  }
};

TlsSession::TlsSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsSession::~TlsSession() = default;

Status TlsSession::create(const TlsConfig& config, std::unique_ptr<TlsSession>& out) {
  ERR_clear_error();
  auto impl = std::make_unique<Impl>();
  impl->ctx = SSL_CTX_new(TLS_client_method());
  if (!impl->ctx) return Status(ErrorCode::tls, "TLS: cannot create a context: " + openssl_error_text());
  // libpq's default ssl_min_protocol_version.
  SSL_CTX_set_min_proto_version(impl->ctx, TLS1_2_VERSION);
  if (config.verify != TlsVerify::none) {
    const bool system = config.root_cert_file.empty() || config.root_cert_file == "system";
    const int ok = system ? SSL_CTX_set_default_verify_paths(impl->ctx)
                          : SSL_CTX_load_verify_locations(impl->ctx, config.root_cert_file.c_str(), nullptr);
    if (ok != 1) {
      ERR_clear_error();
      return Status(ErrorCode::invalid_argument,
                    system ? "TLS: cannot load the system's trusted root certificates"
                           : "TLS: cannot read root certificate file \"" + config.root_cert_file + "\"");
    }
    SSL_CTX_set_verify(impl->ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(impl->ctx, SSL_VERIFY_NONE, nullptr);
  }
  if (auto s = impl->open(false); !s) return s;

  const bool ip = is_ip_literal(config.server_name);
  if (!config.server_name.empty() && !ip) SSL_set_tlsext_host_name(impl->ssl, config.server_name.c_str());
  if (config.verify == TlsVerify::chain_and_host) {
    if (config.server_name.empty()) return Status(ErrorCode::invalid_argument, "TLS: verify-full needs a host name");
    X509_VERIFY_PARAM* param = SSL_get0_param(impl->ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, config.server_name.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, config.server_name.c_str(), 0);
    if (ok != 1)
      return Status(ErrorCode::invalid_argument, "TLS: cannot use \"" + config.server_name + "\" as host name");
  }
  out.reset(new TlsSession(std::move(impl)));
  return {};
}

struct TlsServerContext::Impl {
  SSL_CTX* ctx = nullptr;
  std::vector<unsigned char> alpn;  // the wire format: length-prefixed names
  ~Impl() {
    if (ctx) SSL_CTX_free(ctx);
  }
};

TlsServerContext::TlsServerContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsServerContext::~TlsServerContext() = default;

namespace {

// The first of the server's protocols (in its order) that the client offered; none: a fatal alert.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
                void* arg) {
  const auto& ours = *static_cast<const std::vector<unsigned char>*>(arg);
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, outlen, ours.data(), static_cast<unsigned int>(ours.size()), in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

Status TlsServerContext::create(const std::string& cert_file, const std::string& key_file,
                                std::vector<std::string> alpn, std::shared_ptr<const TlsServerContext>& out) {
  ERR_clear_error();
  auto impl = std::make_unique<Impl>();
  impl->ctx = SSL_CTX_new(TLS_server_method());
  if (!impl->ctx) return Status(ErrorCode::tls, "TLS: cannot create a context: " + openssl_error_text());
  SSL_CTX_set_min_proto_version(impl->ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(impl->ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(impl->ctx, cert_file.c_str()) != 1) {
    ERR_clear_error();
    return Status(ErrorCode::invalid_argument,
                  "TLS: cannot read the certificate chain \"" + cert_file + "\" (a PEM file is expected)");
  }
  EVP_PKEY* key = nullptr;
  if (BIO* f = BIO_new_file(key_file.c_str(), "r")) {
    key = PEM_read_bio_PrivateKey(f, nullptr, nullptr, nullptr);  // no passphrase callback: encrypted keys fail
    BIO_free(f);
  }
  if (!key) {
    ERR_clear_error();
    return Status(ErrorCode::invalid_argument,
                  "TLS: cannot read the private key \"" + key_file + "\" (an unencrypted PEM file is expected)");
  }
  const int used = SSL_CTX_use_PrivateKey(impl->ctx, key);  // checks it against the certificate
  EVP_PKEY_free(key);
  if (used != 1 || SSL_CTX_check_private_key(impl->ctx) != 1) {
    ERR_clear_error();
    return Status(ErrorCode::invalid_argument,
                  "TLS: the private key \"" + key_file + "\" does not belong to the certificate \"" + cert_file + "\"");
  }
  for (const auto& name : alpn) {
    if (name.empty() || name.size() > 255) return Status(ErrorCode::invalid_argument, "TLS: bad ALPN name");
    impl->alpn.push_back(static_cast<unsigned char>(name.size()));
    impl->alpn.insert(impl->alpn.end(), name.begin(), name.end());
  }
  if (!impl->alpn.empty()) SSL_CTX_set_alpn_select_cb(impl->ctx, select_alpn, &impl->alpn);
  out.reset(new TlsServerContext(std::move(impl)));
  return {};
}

Status TlsSession::accept(const TlsServerContext& context, std::unique_ptr<TlsSession>& out) {
  ERR_clear_error();
  auto impl = std::make_unique<Impl>();
  SSL_CTX_up_ref(context.impl_->ctx);
  impl->ctx = context.impl_->ctx;
  if (auto s = impl->open(true); !s) return s;
  out.reset(new TlsSession(std::move(impl)));
  return {};
}

std::string TlsSession::alpn() const {
  const unsigned char* data = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(impl_->ssl, &data, &len);
  return data ? std::string(reinterpret_cast<const char*>(data), len) : std::string();
}

TlsStep TlsSession::fail_from_ssl(int ret, const char* what) {
  const int err = SSL_get_error(impl_->ssl, ret);
  if (err == SSL_ERROR_WANT_READ) return TlsStep::want_read;
  if (err == SSL_ERROR_ZERO_RETURN) return TlsStep::closed;
  const long verify = SSL_get_verify_result(impl_->ssl);
  if (verify != X509_V_OK && !SSL_is_server(impl_->ssl)) {
    ERR_clear_error();
    error_ = Status(ErrorCode::certificate,
                    std::string("TLS: the server's certificate was refused: ") + X509_verify_cert_error_string(verify));
  } else {
    error_ = Status(ErrorCode::tls, std::string("TLS ") + what + " failed: " + openssl_error_text());
  }
  return TlsStep::error;
}

TlsStep TlsSession::handshake() {
  if (!error_.ok()) return TlsStep::error;
  ERR_clear_error();
  const int ret = SSL_do_handshake(impl_->ssl);
  if (ret == 1) return TlsStep::done;
  const TlsStep step = fail_from_ssl(ret, "handshake");
  if (step == TlsStep::closed) {
    error_ = Status(ErrorCode::tls, "TLS handshake failed: the peer closed the session");
    return TlsStep::error;
  }
  return step;
}

TlsStep TlsSession::read(std::span<std::uint8_t> out, std::size_t& n) {
  n = 0;
  if (!error_.ok()) return TlsStep::error;
  ERR_clear_error();
  const int ret = SSL_read_ex(impl_->ssl, out.data(), out.size(), &n);
  if (ret == 1) return TlsStep::done;
  return fail_from_ssl(ret, "read");
}

TlsStep TlsSession::write(std::span<const std::uint8_t> data) {
  if (!error_.ok()) return TlsStep::error;
  ERR_clear_error();
  while (!data.empty()) {
    std::size_t written = 0;
    const int ret = SSL_write_ex(impl_->ssl, data.data(), data.size(), &written);
    if (ret != 1) {
      const TlsStep step = fail_from_ssl(ret, "write");
      if (step != TlsStep::error) error_ = Status(ErrorCode::tls, "TLS write failed: the session is not writable");
      return TlsStep::error;
    }
    data = data.subspan(written);
  }
  return TlsStep::done;
}

void TlsSession::shutdown() noexcept {
  ERR_clear_error();
  if (error_.ok()) SSL_shutdown(impl_->ssl);
  ERR_clear_error();
}

void TlsSession::feed(std::span<const std::uint8_t> ciphertext) {
  while (!ciphertext.empty()) {
    const std::size_t chunk = std::min<std::size_t>(ciphertext.size(), std::numeric_limits<int>::max());
    const int n = BIO_write(impl_->in, ciphertext.data(), static_cast<int>(chunk));
    if (n <= 0) break;
    ciphertext = ciphertext.subspan(static_cast<std::size_t>(n));
  }
}

std::size_t TlsSession::take_output(std::vector<std::uint8_t>& out) {
  const std::size_t pending = BIO_ctrl_pending(impl_->out);
  if (pending == 0) return 0;
  const std::size_t at = out.size();
  out.resize(at + pending);
  std::size_t got = 0;
  if (BIO_read_ex(impl_->out, out.data() + at, pending, &got) != 1) got = 0;
  out.resize(at + got);
  return got;
}

bool TlsSession::has_buffered_input() const noexcept {
  return SSL_pending(impl_->ssl) > 0 || BIO_ctrl_pending(impl_->in) > 0;
}

}  // namespace edgepg::crypto
