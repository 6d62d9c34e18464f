#include "http_request.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "cloud/common.hpp"
#include "edgepg/error.hpp"
#include "tcp_stream.hpp"
#include "tls_stream.hpp"
#include "util/url.hpp"

namespace edgepg::net {
namespace {

constexpr std::size_t max_head = 16 * 1024;

[[noreturn]] void http_error(const std::string& message) { throw Error(ErrorCode::http, message); }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string dechunk(std::string_view body, std::size_t max_body) {
  std::string out;
  for (;;) {
    const auto eol = body.find("\r\n");
    if (eol == std::string_view::npos) http_error("truncated chunked body");
    std::string_view size_text = body.substr(0, eol);
    size_text = size_text.substr(0, size_text.find(';'));
    std::size_t size = 0;
    const auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc() || end != size_text.data() + size_text.size()) http_error("bad chunk size");
    body.remove_prefix(eol + 2);
    if (size == 0) return out;
    if (size > max_body - std::min(max_body, out.size()) || body.size() < size + 2) {
      http_error(size > max_body ? "the answer is too large" : "truncated chunked body");
    }
    out.append(body.substr(0, size));
    body.remove_prefix(size + 2);
  }
}

}  // namespace

HttpUrl parse_http_url(std::string_view url, bool metadata_http) {
  HttpUrl u;
  const util::UrlParts parts = util::split_url(url);  // fragments are stripped: they never go to the server
  if (parts.scheme == "http") {
    u.secure = false;
    u.port = 80;
  } else if (parts.scheme != "https") {
    throw Error(ErrorCode::invalid_argument, "the URL must start with https://");
  }
  u.target = util::request_target(parts);
  if (parts.userinfo) throw Error(ErrorCode::invalid_argument, "the URL must not carry user information");
  // IPv6 literals ([...]) are refused: the Host header below is written without brackets.
  const bool named = parts.error == util::UrlError::none && !parts.bracketed;
  if (named && parts.port) {
    const std::string_view port = *parts.port;
    unsigned p = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535) {
      throw Error(ErrorCode::invalid_argument, "the URL has an invalid port");
    }
    u.port = static_cast<std::uint16_t>(p);
  }
  if (!named || parts.host.empty())
    throw Error(ErrorCode::invalid_argument, "the URL needs a host name or IPv4 address");
  u.host = std::string(parts.host);
  // Plain http: the core's rule for the cloud endpoints (loopback; the metadata addresses when asked for).
  const auto hosts = metadata_http ? cloud::detail::HttpHosts::metadata : cloud::detail::HttpHosts::loopback;
  if (!u.secure && !cloud::detail::check_endpoint(url, hosts, "the URL")) {
    throw Error(ErrorCode::invalid_argument,
                metadata_http ? "http:// is only for loopback tests and the metadata addresses: use https://"
                              : "http:// is only for loopback tests: keys must come over https://");
  }
  return u;
}

bool header_safe(std::string_view s) noexcept { return s.find_first_of("\r\n") == std::string_view::npos; }

HttpResponse http_request(std::string_view method, std::string_view url, const std::vector<HttpHeader>& headers,
                          std::string_view body, const HttpOptions& options) {
  const HttpUrl u = parse_http_url(url, options.metadata_http);
  if (method.empty() || !header_safe(method) || method.find(' ') != std::string_view::npos) {
    throw Error(ErrorCode::invalid_argument, "the HTTP method is not usable");
  }
  std::string host_header = u.host;
  if (u.port != (u.secure ? 443 : 80)) host_header.append(1, ':').append(std::to_string(u.port));
  std::string request = std::string(method) + " " + u.target + " HTTP/1.1\r\nHost: " + host_header + "\r\n";
  for (const HttpHeader& h : headers) {
    // The header's name may be shown; its value never (it may be a token).
    if (h.name.empty() || !header_safe(h.name) || !header_safe(h.value) || h.name.find(':') != std::string::npos) {
      throw Error(ErrorCode::invalid_argument,
                  "the HTTP header " + cloud::detail::safe_excerpt(h.name) + " has a line break in its name or value");
    }
    request.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  if (!body.empty() || method == "POST" || method == "PUT") {
    request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  request.append("User-Agent: edgepg\r\nConnection: close\r\n\r\n").append(body);

  const Deadline deadline = deadline_after(options.timeout);
  std::unique_ptr<Stream> stream = TcpStream::connect(u.host, u.port, deadline);
  if (u.secure) {
    crypto::TlsConfig tls{crypto::TlsVerify::chain_and_host, options.root_cert_file, u.host};
    stream = TlsStream::handshake(std::move(stream), tls, deadline);
  }
  stream->write({reinterpret_cast<const std::uint8_t*>(request.data()), request.size()}, deadline);
  std::fill(request.begin(), request.end(), '\0');  // it may hold a token
  std::string response;
  for (;;) {
    const ByteView got = stream->read(deadline);
    if (got.empty()) break;
    response.append(reinterpret_cast<const char*>(got.data()), got.size());
    if (response.size() > max_head + options.max_body * 2) http_error("the answer is too large");
  }
  stream->close();

  const auto head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos || head_end > max_head) http_error("malformed HTTP response");
  const std::string_view head(response.data(), head_end);
  std::string_view rest(response.data() + head_end + 4, response.size() - head_end - 4);
  const auto first_eol = head.find("\r\n");
  const std::string_view status_line = head.substr(0, first_eol);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) http_error("malformed HTTP status line");
  HttpResponse out;
  const std::string_view code = status_line.substr(9, 3);
  const auto [code_end, code_ec] = std::from_chars(code.data(), code.data() + code.size(), out.status);
  if (code_ec != std::errc() || code_end != code.data() + code.size() || out.status < 100) {
    http_error("malformed HTTP status line");
  }
  bool chunked = false;
  std::optional<std::size_t> length;
  std::string_view lines = first_eol == std::string_view::npos ? std::string_view() : head.substr(first_eol + 2);
  while (!lines.empty()) {
    const auto eol = lines.find("\r\n");
    const std::string_view line = lines.substr(0, eol);
    lines = eol == std::string_view::npos ? std::string_view() : lines.substr(eol + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos) chunked = true;
    if (name == "content-length") {
      std::size_t n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size()) http_error("bad Content-Length");
      length = n;
    }
  }
  if (chunked) {
    out.body = dechunk(rest, options.max_body);
    return out;
  }
  if (length) {
    if (rest.size() < *length) http_error("truncated body");
    rest = rest.substr(0, *length);
  }
  if (rest.size() > options.max_body) http_error("the answer is too large");
  out.body = std::string(rest);
  return out;
}

}  // namespace edgepg::net
