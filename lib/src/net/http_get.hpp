// A minimal HTTPS GET for small documents (a JWKS): one request with "Connection: close", the response read to the
// end, the status checked, Content-Length or chunked bodies, a size bound. The server's certificate is checked
// against the URL's host (verify-full). Plain http:// is accepted for loopback tests only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace edgepg::net {

struct HttpGetOptions {
  std::string root_cert_file;  // PEM roots; empty: the system's
  std::chrono::milliseconds timeout{10'000};
  std::size_t max_body = 64 * 1024;
};

// What http_get takes from its URL (split by util::split_url; a function of its own for the unit tests).
struct HttpUrl {
  bool secure = true;  // https://
  std::string host;
  std::uint16_t port = 443;
  std::string target = "/";  // path and query; a fragment is never sent
};

// Throws edgepg::Error EINVAL: not https:// (or http:// to 127.0.0.1 or localhost), user information, an IPv6
// literal, a bad port, no host.
HttpUrl parse_http_url(std::string_view url);

// The body of a 200 response. Throws edgepg::Error: EINVAL (bad URL, http:// to a non-loopback host), EHTTP
// (a status other than 200, a malformed response, a body over max_body), and the transports' codes.
std::string http_get(std::string_view url, const HttpGetOptions& options);

}  // namespace edgepg::net
