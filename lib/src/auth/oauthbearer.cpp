// SASL OAUTHBEARER, the server's side (RFC 7628; gs2 header from RFC 5801). Each rule is checked in the message's
// order with a comment naming it; errors never quote the message (it holds a bearer token).
#include "edgepg/auth/oauthbearer.hpp"

#include <cstdio>

namespace edgepg::auth {
namespace {

constexpr char kvsep = '\x01';  // RFC 7628 §3.1: kvsep = %x01

Status malformed(const char* why) {
  return Status(ErrorCode::protocol, std::string("malformed OAUTHBEARER message: ") + why);
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// RFC 7628 §3.1: value = *(VCHAR / SP / HTAB / CR / LF)
bool valid_value(std::string_view v) {
  for (const char c : v) {
    const bool vchar = c >= 0x21 && c <= 0x7E;
    if (!vchar && c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

// RFC 5801 §4: saslname = 1*(UTF8-char-safe / "=2C" / "=3D"); UTF8-char-safe excludes NUL, ',' and '='.
bool decode_saslname(std::string_view in, std::string& out) {
  if (in.empty()) return false;
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '\0' || c == ',') return false;
    if (c != '=') {
      out += c;
      continue;
    }
    const std::string_view esc = in.substr(i + 1, 2);
    if (esc == "2C") {
      out += ',';
    } else if (esc == "3D") {
      out += '=';
    } else {
      return false;
    }
    i += 2;
  }
  return true;
}

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

Status parse_oauthbearer_client_first(pg::Bytes message, OAuthBearerClientFirst& out) {
  const std::string_view m(reinterpret_cast<const char*>(message.data()), message.size());
  if (m.empty()) return malformed("the message is empty");
  // RFC 5801 §4: gs2-cb-flag = ("p=" cb-name) / "n" / "y". RFC 7628 defines no channel binding: no "p".
  const char flag = m[0];
  if (flag == 'p') return malformed("channel binding (p=) requested, but OAUTHBEARER defines none");
  if (flag != 'n' && flag != 'y') return malformed("an unknown channel binding flag");
  if (m.size() < 2 || m[1] != ',') return malformed("no ',' after the channel binding flag");
  std::size_t pos = 2;
  // gs2-header = gs2-cb-flag "," [gs2-authzid] ",";  gs2-authzid = "a=" saslname
  std::optional<std::string> authzid;
  if (pos < m.size() && m[pos] != ',') {
    if (m.substr(pos, 2) != "a=") return malformed("an unknown attribute in the gs2 header");
    const std::size_t end = m.find(',', pos + 2);
    if (end == std::string_view::npos) return malformed("no ',' after the authorization identity");
    std::string name;
    if (!decode_saslname(m.substr(pos + 2, end - pos - 2), name)) {
      return malformed("an invalid authorization identity (saslname)");
    }
    authzid = std::move(name);
    pos = end;
  }
  if (pos >= m.size() || m[pos] != ',') return malformed("no ',' ending the gs2 header");
  ++pos;
  // client-resp = gs2-header kvsep *kvpair kvsep
  if (pos >= m.size() || m[pos] != kvsep) return malformed("no kvsep after the gs2 header");
  ++pos;
  std::optional<std::string_view> auth;
  for (;;) {
    const std::size_t end = m.find(kvsep, pos);
    if (end == std::string_view::npos) return malformed("no final kvsep");
    const std::string_view pair = m.substr(pos, end - pos);
    pos = end + 1;
    if (pair.empty()) break;  // the final kvsep
    // kvpair = key "=" value kvsep;  key = 1*(ALPHA)
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return malformed("a key without a value");
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = pair.substr(eq + 1);
    if (key.empty()) return malformed("an empty key");
    for (const char c : key) {
      if (!is_alpha(c)) return malformed("a key that is not letters");
    }
    if (!valid_value(value)) return malformed("a value with a character outside VCHAR, SP, HTAB, CR and LF");
    if (key == "auth") {
      if (auth) return malformed("more than one auth value");
      auth = value;
    }
    // Other keys (host, port, ...): RFC 7628 §3.1 says to ignore what is not understood.
  }
  if (!auth) return malformed("no auth value");
  if (pos != m.size()) return malformed("bytes after the final kvsep");
  out.channel_binding_flag = flag;
  out.authzid = std::move(authzid);
  out.auth = *auth;
  return {};
}

bool oauthbearer_token(std::string_view auth, std::string_view& token) {
  // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme case-insensitive (RFC 7628 §4, RFC 9110).
  constexpr std::string_view scheme = "bearer ";
  if (auth.size() < scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = auth[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  std::string_view t = auth.substr(scheme.size());
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
  std::size_t n = 0;
  while (n < t.size()) {
    const char c = t[n];
    const bool ok =
        is_alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
    ++n;
  }
  if (n == 0) return false;
  while (n < t.size() && t[n] == '=') ++n;
  if (n != t.size()) return false;
  token = t;
  return true;
}

bool is_oauthbearer_error_ack(pg::Bytes message) { return message.size() == 1 && message[0] == kvsep; }

std::string oauthbearer_error_challenge(std::string_view scope, std::string_view openid_configuration) {
  std::string out = R"({"status":"invalid_token")";
  if (!scope.empty()) {
    out += R"(,"scope":)";
    json_string(out, scope);
  }
  if (!openid_configuration.empty()) {
    out += R"(,"openid-configuration":)";
    json_string(out, openid_configuration);
  }
  out += '}';
  return out;
}

}  // namespace edgepg::auth
