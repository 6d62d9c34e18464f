#include "cloud_exchange.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "edgepg/error.hpp"
#include "net/http_request.hpp"
#include "util/url.hpp"

namespace edgepg::client_detail {
namespace {

std::string origin(std::string_view url) {
  const util::UrlParts p = util::split_url(url);
  std::string o = std::string(p.scheme) + "://" + std::string(p.host);
  if (p.port) o += ":" + std::string(*p.port);
  return o;
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

void check(const Status& status) {
  if (!status) throw Error(status);
}

Answer send(const Status& built, const cloud::Request& request, std::string_view service, const CloudOptions& options) {
  check(built);
  const std::string where = std::string(service) + " at " + origin(request.url);
  net::HttpOptions http;
  http.root_cert_file = options.root_cert_file;
  http.timeout = options.timeout;
  http.max_body = cloud::max_answer_bytes;
  http.metadata_http = true;  // the core's builders already refused http:// where it is not allowed
  std::vector<net::HttpHeader> headers;
  headers.reserve(request.headers.size());
  for (const auto& h : request.headers) headers.push_back({h.name, h.value});
  try {
    net::HttpResponse r = net::http_request(request.method, request.url, headers, request.body, http);
    return {r.status, std::move(r.body)};
  } catch (const Error& e) {
    switch (e.error_code()) {
      case ErrorCode::timed_out:
        throw Error(ErrorCode::timed_out, where + " did not answer within " + std::to_string(options.timeout.count()) +
                                              " ms; retry, or raise the timeout");
      case ErrorCode::http:
        throw Error(ErrorCode::credentials_malformed,
                    where + ": the answer " +
                        (e.message().find("too large") != std::string::npos ? std::string("is larger than 64 KiB")
                                                                            : "is not a well-formed HTTP response"));
      case ErrorCode::invalid_argument:
        throw;
      default:
        throw Error(e.error_code(), where + " could not be reached: " + e.message());
    }
  }
}

std::optional<std::string> read_trimmed_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return trim(s.str());
}

std::string read_token(const TokenSource& source, std::string_view what) {
  std::string token;
  if (source.function) {
    try {
      token = trim(source.function());
    } catch (const std::exception&) {
      throw Error(ErrorCode::invalid_argument, std::string(what) + ": the token function failed");
    }
    if (token.empty())
      throw Error(ErrorCode::invalid_argument, std::string(what) + ": the token function gave nothing");
    return token;
  }
  if (source.file.empty()) {
    throw Error(ErrorCode::invalid_argument, std::string(what) + " needs a token: a function or a file");
  }
  auto text = read_trimmed_file(source.file);
  if (!text)
    throw Error(ErrorCode::credentials_unavailable, std::string(what) + ": cannot read the token file " + source.file);
  if (text->empty())
    throw Error(ErrorCode::credentials_unavailable,
                std::string(what) + ": the token file " + source.file + " is empty");
  return std::move(*text);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::int64_t now_ms(const CloudOptions& options) {
  if (options.clock) return options.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace edgepg::client_detail
