#include "http_get.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

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
      http_error(size > max_body ? "the document is too large" : "truncated chunked body");
    }
    out.append(body.substr(0, size));
    body.remove_prefix(size + 2);
  }
}

}  // namespace

HttpUrl parse_http_url(std::string_view url) {
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
  if (!u.secure && u.host != "127.0.0.1" && u.host != "localhost") {
    throw Error(ErrorCode::invalid_argument, "http:// is only for loopback tests: keys must come over https://");
  }
  return u;
}

std::string http_get(std::string_view url, const HttpGetOptions& options) {
  const HttpUrl u = parse_http_url(url);
  const Deadline deadline = deadline_after(options.timeout);
  std::unique_ptr<Stream> stream = TcpStream::connect(u.host, u.port, deadline);
  if (u.secure) {
    crypto::TlsConfig tls{crypto::TlsVerify::chain_and_host, options.root_cert_file, u.host};
    stream = TlsStream::handshake(std::move(stream), tls, deadline);
  }
  std::string host_header = u.host;
  if (u.port != (u.secure ? 443 : 80)) host_header.append(1, ':').append(std::to_string(u.port));
  const std::string request = "GET " + u.target + " HTTP/1.1\r\nHost: " + host_header +
                              "\r\nAccept: application/json\r\nUser-Agent: edgepg\r\nConnection: close\r\n\r\n";
  stream->write({reinterpret_cast<const std::uint8_t*>(request.data()), request.size()}, deadline);
  std::string response;
  for (;;) {
    const ByteView got = stream->read(deadline);
    if (got.empty()) break;
    response.append(reinterpret_cast<const char*>(got.data()), got.size());
    if (response.size() > max_head + options.max_body * 2) http_error("the response is too large");
  }
  stream->close();

  const auto head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos || head_end > max_head) http_error("malformed HTTP response");
  const std::string_view head(response.data(), head_end);
  std::string_view body(response.data() + head_end + 4, response.size() - head_end - 4);
  const auto first_eol = head.find("\r\n");
  const std::string_view status_line = head.substr(0, first_eol);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) http_error("malformed HTTP status line");
  const std::string_view code = status_line.substr(9, 3);
  if (code != "200") http_error("the server answered HTTP " + std::string(code));
  bool chunked = false;
  std::optional<std::size_t> length;
  std::string_view headers = first_eol == std::string_view::npos ? std::string_view() : head.substr(first_eol + 2);
  while (!headers.empty()) {
    const auto eol = headers.find("\r\n");
    const std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
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
  if (chunked) return dechunk(body, options.max_body);
  if (length) {
    if (body.size() < *length) http_error("truncated body");
    body = body.substr(0, *length);
  }
  if (body.size() > options.max_body) http_error("the document is too large");
  return std::string(body);
}

}  // namespace edgepg::net
