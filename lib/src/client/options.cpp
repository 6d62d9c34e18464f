#include "edgepg/client/options.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include "edgepg/error.hpp"
#include "edgepg/pg/auth_policy.hpp"
#include "util/url.hpp"

namespace edgepg {
namespace {

[[noreturn]] void invalid(const std::string& message) { throw Error(ErrorCode::invalid_argument, message); }

// Percent-decoding of one URL component. `what` names it in errors (never its value: it may be a password).
std::string percent_decode(std::string_view s, const char* what) {
  std::string out;
  if (!util::percent_decode(s, out)) invalid(std::string("invalid percent-encoding in the connection URL's ") + what);
  return out;
}

std::uint16_t parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || value == 0 || value > 65535) {
    invalid("invalid port \"" + std::string(text) + "\": expected 1-65535");
  }
  return static_cast<std::uint16_t>(value);
}

std::chrono::milliseconds parse_seconds(std::string_view key, std::string_view text) {
  double seconds = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || !(seconds >= 0) || seconds > 1e9) {
    invalid("invalid " + std::string(key) + " \"" + std::string(text) + "\": expected seconds >= 0");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

SslMode parse_sslmode(std::string_view text) {
  if (text == "disable") return SslMode::disable;
  if (text == "allow") return SslMode::allow;
  if (text == "prefer") return SslMode::prefer;
  if (text == "require") return SslMode::require;
  if (text == "verify-ca") return SslMode::verify_ca;
  if (text == "verify-full") return SslMode::verify_full;
  invalid("invalid sslmode \"" + std::string(text) +
          "\": expected disable, allow, prefer, require, verify-ca or "
          "verify-full");
}

void apply(ConnectOptions& o, std::string_view key, std::string value) {
  if (key == "host") {
    if (value.find(',') != std::string::npos) invalid("several hosts are not supported: give one host");
    check_host(value);
    if (!value.empty()) o.host = std::move(value);
  } else if (key == "hostaddr") {
    o.hostaddr = std::move(value);
  } else if (key == "port") {
    if (!value.empty()) o.port = parse_port(value);
  } else if (key == "user") {
    o.user = std::move(value);
  } else if (key == "password") {
    o.password = std::move(value);
  } else if (key == "dbname") {
    o.database = std::move(value);
  } else if (key == "application_name") {
    o.application_name = std::move(value);
  } else if (key == "options") {
    o.options = std::move(value);
  } else if (key == "sslmode") {
    o.sslmode = parse_sslmode(value);
  } else if (key == "require_auth") {
    pg::AuthPolicy policy;
    if (auto s = pg::parse_require_auth(value, policy); !s) invalid(s.message());
    o.require_auth = std::move(value);
  } else if (key == "channel_binding") {
    pg::ChannelBinding cb;
    if (auto s = pg::parse_channel_binding(value, cb); !s) invalid(s.message());
    o.channel_binding = std::move(value);
  } else if (key == "scram_max_iterations") {
    unsigned long n = 0;
    const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc() || p != value.data() + value.size() || n == 0 || n > 0xffffffffUL) {
      invalid("invalid scram_max_iterations \"" + value + "\": expected a whole number from 1 to 4294967295");
    }
    o.scram_max_iterations = static_cast<std::uint32_t>(n);
  } else if (key == "sslrootcert") {
    o.sslrootcert = std::move(value);
  } else if (key == "connect_timeout") {
    o.connect_timeout = parse_seconds(key, value);
  } else if (key == "query_timeout") {
    o.query_timeout = parse_seconds(key, value);
  } else if (key == "websocket_url") {
    if (!value.empty()) (void)parse_websocket_url(value);
    o.websocket_url = std::move(value);
  } else {
    invalid("unknown connection option \"" + std::string(key) + "\"");
  }
}

ConnectOptions parse_url(std::string_view url) {
  ConnectOptions o;
  // No fragments: libpq's lax URLs take a raw '#' in a password.
  const util::UrlParts u = util::split_url(url, {.fragments = false});
  if (u.userinfo) {
    std::string_view userinfo = *u.userinfo;
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      o.password = percent_decode(userinfo.substr(colon + 1), "password");
      userinfo = userinfo.substr(0, colon);
    }
    o.user = percent_decode(userinfo, "user");
  }
  if (u.error == util::UrlError::unterminated_bracket) invalid("unterminated [IPv6 address] in the connection URL");
  if (u.error == util::UrlError::text_after_bracket) {
    invalid("unexpected text after the [IPv6 address] in the connection URL");
  }
  const std::string_view host = u.host;
  const std::string_view port = u.port.value_or("");
  const std::string_view path = u.path.empty() ? u.path : u.path.substr(1);  // without the '/'
  std::string_view query = u.query.value_or("");
  if (host.find(',') != std::string_view::npos) invalid("several hosts are not supported: give one host");
  if (!host.empty()) {
    o.host = percent_decode(host, "host");
    check_host(o.host);
  }
  if (!port.empty()) o.port = parse_port(port);
  if (!path.empty()) o.database = percent_decode(path, "database");
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) invalid("connection URL parameter without '=': \"" + std::string(pair) + "\"");
    const std::string key = percent_decode(pair.substr(0, eq), "parameter name");
    apply(o, key, percent_decode(pair.substr(eq + 1), "parameter value"));
  }
  return o;
}

ConnectOptions parse_key_values(std::string_view text) {
  ConnectOptions o;
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  for (;;) {
    skip_space();
    if (i >= text.size()) break;
    const std::size_t key_start = i;
    while (i < text.size() && text[i] != '=' && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::string key(text.substr(key_start, i - key_start));
    skip_space();
    if (i >= text.size() || text[i] != '=') invalid("missing \"=\" after \"" + key + "\" in the connection string");
    ++i;
    skip_space();
    std::string value;
    if (i < text.size() && text[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char c = text[i++];
        if (c == '\\' && i < text.size()) {
          value += text[i++];
        } else if (c == '\'') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) invalid("unterminated quoted value of \"" + key + "\" in the connection string");
    } else {
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) {
        const char c = text[i++];
        if (c == '\\' && i < text.size()) {
          value += text[i++];
        } else {
          value += c;
        }
      }
    }
    apply(o, key, std::move(value));
  }
  return o;
}

}  // namespace

void check_host(std::string_view host) {
  if (!host.empty() && host.front() == '/') return;  // a Unix-socket directory
  for (const char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '%' || c == '\\') {
      invalid("invalid host: a host name may not contain / ? # @ % \\ or whitespace (after %-decoding)");
    }
  }
}

const char* ssl_mode_name(SslMode mode) noexcept {
  switch (mode) {
    case SslMode::disable:
      return "disable";
    case SslMode::allow:
      return "allow";
    case SslMode::prefer:
      return "prefer";
    case SslMode::require:
      return "require";
    case SslMode::verify_ca:
      return "verify-ca";
    case SslMode::verify_full:
      return "verify-full";
  }
  return "unknown";
}

ConnectOptions parse_connection_string(std::string_view text) {
  if (text.starts_with("postgresql://") || text.starts_with("postgres://")) return parse_url(text);
  return parse_key_values(text);
}

WebSocketUrl parse_websocket_url(std::string_view url) {
  WebSocketUrl out;
  // No fragments: a '#' has always gone to the proxy as part of the target.
  const util::UrlParts u = util::split_url(url, {.fragments = false});
  if (u.scheme != "ws" && u.scheme != "wss") invalid("websocket_url must start with ws:// or wss://");
  out.secure = u.scheme == "wss";
  out.port = out.secure ? 443 : 80;
  out.target = util::request_target(u);
  if (u.userinfo) invalid("websocket_url must not carry user information");
  if (u.error == util::UrlError::unterminated_bracket) invalid("websocket_url has an unterminated [IPv6 address]");
  if (u.error == util::UrlError::text_after_bracket) {
    invalid("websocket_url has unexpected text after its [IPv6 address]");
  }
  if (u.port) out.port = parse_port(*u.port);
  if (u.host.empty()) invalid("websocket_url has no host");
  out.host = std::string(u.host);
  return out;
}

}  // namespace edgepg
