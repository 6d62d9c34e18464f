#include "edgepg/sign/rds_token.hpp"

#include <algorithm>

namespace edgepg::sign {
namespace {

// Strict UTF-8 (RFC 3629): what JavaScript strings can hold, so encodeURIComponent there and uri_encode here agree.
bool valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (s.size() - i - 1 < n) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0u) != 0x80u) return false;
      cp = (cp << 6) | (cc & 0x3fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

bool valid_hostname(std::string_view h) noexcept {
  return std::all_of(h.begin(), h.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f && c != '/' && c != '?' && c != '#' && c != '@';
  });
}

}  // namespace

Status rds_auth_token(std::string_view hostname, std::uint16_t port, std::string_view username, std::string_view region,
                      const Credentials& credentials, std::int64_t epoch_seconds, std::string& token) {
  token.clear();
  if (hostname.empty() || !valid_hostname(hostname)) {
    return {ErrorCode::invalid_argument, "rds token: hostname is empty or has characters a host name cannot have"};
  }
  if (port == 0) return {ErrorCode::invalid_argument, "rds token: port must be 1..65535"};
  if (username.empty()) return {ErrorCode::invalid_argument, "rds token: username is empty"};
  if (!valid_utf8(username)) return {ErrorCode::invalid_argument, "rds token: username is not valid UTF-8"};
  if (!valid_utf8(credentials.session_token)) {
    return {ErrorCode::invalid_argument, "rds token: session token is not valid UTF-8"};
  }

  const std::string host = std::string(hostname) + ":" + std::to_string(port);
  HttpRequest request;
  request.method = "GET";
  request.path = "/";
  request.query = {{"Action", "connect"}, {"DBUser", std::string(username)}};
  request.headers = {{"host", host}};

  SigningParams params;
  params.credentials = credentials;
  params.region = std::string(region);
  params.service = "rds-db";
  params.time = epoch_seconds;
  params.expires_in = rds_token_expires;

  Presigned presigned;
  if (auto s = presign(request, params, presigned); !s) {
    return {s.code(), "rds token: " + s.message()};
  }
  // formatUrl -> buildQueryString writes the keys in Array.prototype.sort order (UTF-16 code units; these keys are
  // ASCII, so bytewise), not in the order the signer added them.
  std::stable_sort(presigned.query.begin(), presigned.query.end(),
                   [](const QueryParam& a, const QueryParam& b) { return a.key < b.key; });
  token = host + "/?" + presigned.query_string();
  return Status::success();
}

}  // namespace edgepg::sign
