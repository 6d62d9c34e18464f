#include "common.hpp"

#include <cctype>
#include <charconv>

#include "util/civil_date.hpp"
#include "util/url.hpp"

namespace edgepg::cloud::detail {
namespace {

bool unreserved(unsigned char c) noexcept {
  return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

bool loopback_host(std::string_view host) noexcept { return host == "localhost" || host.starts_with("127."); }

bool metadata_host(std::string_view host) noexcept {
  return host == "169.254.169.254" || host == "169.254.170.2" || host == "169.254.170.23";
}

bool base64ish(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return std::isalnum(c) != 0 || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
}

template <typename T>
bool digits(std::string_view s, std::size_t at, std::size_t n, T& out) noexcept {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + n, out);
  return ec == std::errc() && end == s.data() + at + n;
}

}  // namespace

void form_add(std::string& body, std::string_view key, std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  if (!body.empty()) body.push_back('&');
  for (const std::string_view part : {key, value}) {
    for (const char ch : part) {
      const auto c = static_cast<unsigned char>(ch);
      if (unreserved(c)) {
        body.push_back(ch);
      } else {
        body.push_back('%');
        body.push_back(hex[c >> 4]);
        body.push_back(hex[c & 0xf]);
      }
    }
    if (part.data() == key.data()) body.push_back('=');
  }
}

Status check_endpoint(std::string_view url, HttpHosts hosts, std::string_view what) {
  const std::string name(what);
  if (!printable(url) || url.find(' ') != std::string_view::npos) {
    return {ErrorCode::invalid_argument, name + " is not a URL (it has spaces or control characters)"};
  }
  const util::UrlParts parts = util::split_url(url);
  if (parts.error != util::UrlError::none || parts.host.empty() || parts.bracketed) {
    return {ErrorCode::invalid_argument, name + " must be an absolute https:// URL with a host name or IPv4 address"};
  }
  if (parts.userinfo) return {ErrorCode::invalid_argument, name + " must not carry user information"};
  if (parts.scheme == "https") return Status::success();
  if (parts.scheme == "http" &&
      (loopback_host(parts.host) || (hosts == HttpHosts::metadata && metadata_host(parts.host)))) {
    return Status::success();
  }
  return {ErrorCode::invalid_argument,
          name + " must start with https:// (plain http:// is only for loopback test servers" +
              (hosts == HttpHosts::metadata ? std::string(" and the metadata addresses)") : std::string(")"))};
}

bool printable(std::string_view s) noexcept {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool valid_token(std::string_view token) noexcept {
  if (token.empty() || token.size() > max_subject_token_bytes) return false;
  for (const char ch : token) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

bool parse_rfc3339(std::string_view s, std::int64_t& epoch_seconds) noexcept {
  std::int64_t year = 0;
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, hour) || s[13] != ':' ||
      !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  std::int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, om) || oh > 23 ||
        om > 59) {
      return false;
    }
    offset = (s[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    i += 6;
  } else {
    return false;
  }
  if (i != s.size()) return false;
  epoch_seconds = util::days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return true;
}

std::string safe_excerpt(std::string_view message) {
  std::string out;
  std::size_t i = 0;
  bool in_secret = false;  // the previous run was redacted: a '.'-joined next run is the same token (a JWT's parts)
  while (i < message.size() && out.size() < 200) {
    if (base64ish(message[i])) {
      std::size_t j = i;
      while (j < message.size() && base64ish(message[j])) ++j;
      const std::string_view run = message.substr(i, j - i);
      if (run.size() >= 32 || run.starts_with("eyJ") || in_secret) {
        if (!in_secret) out += "[redacted]";
        in_secret = j < message.size() && message[j] == '.';
        i = in_secret ? j + 1 : j;
      } else {
        out.append(run.substr(0, 200 - out.size()));
        i = j;
      }
      continue;
    }
    in_secret = false;
    const auto c = static_cast<unsigned char>(message[i]);
    out.push_back(c < 0x20 || c == 0x7f ? ' ' : message[i]);
    ++i;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
  return out;
}

Status refused(std::string_view service, const Response& response, std::string_view code, std::string_view message,
               std::string_view hint, bool throttled, ProviderError& error) {
  error.http_status = response.status;
  const std::string safe_code = safe_excerpt(code.substr(0, 80));
  error.code = safe_code.empty() ? "HTTP " + std::to_string(response.status) : safe_code;
  const bool later = throttled || response.status == 429 || response.status >= 500;
  std::string text = std::string(service) + (later ? " is unavailable (" : " refused the exchange (") + error.code;
  if (!safe_code.empty()) text += ", HTTP " + std::to_string(response.status);
  text += ")";
  if (const std::string said = safe_excerpt(message); !said.empty()) text += ": " + said;
  text += ". ";
  text += later ? std::string("Retry later; ") + std::string(hint) : std::string(hint);
  return {later ? ErrorCode::credentials_unavailable : ErrorCode::credentials_refused, text};
}

Status malformed(std::string_view service, std::string_view why) {
  return {ErrorCode::credentials_malformed, std::string(service) + ": the answer " + std::string(why)};
}

bool too_large(const Response& response) noexcept { return response.body.size() > max_answer_bytes; }

}  // namespace edgepg::cloud::detail
