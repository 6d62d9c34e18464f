// A minimal HTTPS client for small documents and token exchanges (a JWKS, the cloud credential services): one request
// (any method, headers, a body) with "Connection: close", the response read to the end within one deadline,
// Content-Length or chunked bodies, a bound on the body's size, redirects never followed (a 3xx is an answer like
// any other). The server's certificate is checked against the URL's host (verify-full). Plain http:// only to
// loopback (127.0.0.0/8, localhost) and, when asked for, the cloud metadata addresses (169.254.169.254,
// 169.254.170.2, 169.254.170.23): the core's endpoint rule (cloud/common.hpp), applied here once more.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace edgepg::net {

struct HttpOptions {
  std::string root_cert_file;                 // PEM roots; empty: the system's
  std::chrono::milliseconds timeout{10'000};  // for the whole exchange: connect, TLS, request, answer
  std::size_t max_body = 64 * 1024;
  bool metadata_http = false;  // also plain http:// to the metadata addresses
};

// What a request is sent to (split by util::split_url; a function of its own for the unit tests).
struct HttpUrl {
  bool secure = true;  // https://
  std::string host;
  std::uint16_t port = 443;
  std::string target = "/";  // path and query; a fragment is never sent
};

// Throws edgepg::Error EINVAL: not https:// (or http:// to loopback, or to a metadata address with
// `metadata_http`), user information, an IPv6 literal, a bad port, no host.
HttpUrl parse_http_url(std::string_view url, bool metadata_http = false);

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

// One exchange. Host, Content-Length (when there is a body or the method is POST/PUT), User-Agent and
// Connection: close are added; `headers` must not carry them. Header values may hold secrets: never in a message.
// Throws edgepg::Error: EINVAL (bad URL, a header with CR/LF), EHTTP (a malformed response, a body over
// max_body), and the transports' codes (ENOTFOUND, ECONNREFUSED, ETIMEDOUT, ECERT, ETLS, ECONNRESET).
HttpResponse http_request(std::string_view method, std::string_view url, const std::vector<HttpHeader>& headers,
                          std::string_view body, const HttpOptions& options);

}  // namespace edgepg::net
