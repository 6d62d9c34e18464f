// What the cloud token exchanges (aws.hpp, gcp.hpp, azure.hpp) have in common: the HTTP request a builder hands to
// the face that does the I/O (JS fetch, the native HTTPS client), the answer the face hands back to a parser, and the
// parsers' results. Sans-IO: the core never opens a socket and never reads a clock (`now` is an argument).
//
// Errors of every parser (messages name the service and say what to check; never a token, key or secret):
//   ErrorCode::credentials_refused      the service refused the exchange: an HTTP 4xx, or a documented error code;
//                                       `provider_error` holds that code ("InvalidIdentityToken", "invalid_grant",
//                                       "AADSTS700213", ...) or "HTTP <status>" when the body names none
//   ErrorCode::credentials_unavailable  an HTTP 5xx or 429, or a throttling code: the service may answer later
//   ErrorCode::credentials_malformed    a 2xx answer that is too large, not the documented syntax, or lacks a field
// Builders return ErrorCode::invalid_argument for unusable parameters (the message names the parameter).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/status.hpp"

namespace edgepg::cloud {

// The largest answer a parser reads; the faces stop reading beyond it.
inline constexpr std::size_t max_answer_bytes = 64 * 1024;
// The largest OIDC token a builder sends (AWS takes up to 20,000 characters).
inline constexpr std::size_t max_subject_token_bytes = 20'000;

struct Header {
  std::string name;
  std::string value;
};

// One HTTP request, ready to send as it is.
struct Request {
  std::string method;  // "POST", "PUT", "GET"
  std::string url;     // absolute: https://..., or http:// to loopback (and, for the metadata services, their hosts)
  std::vector<Header> headers;
  std::string body;  // may hold the workload's token: never log a Request
};

// The answer as the face received it (body already bounded by max_answer_bytes).
struct Response {
  int status = 0;
  std::string_view body;
};

// A bearer access token (Google, Azure) and when it expires.
struct AccessToken {
  std::string token;
  std::int64_t expires_at = 0;  // seconds since the Unix epoch
};

// What a refused exchange said, for the caller's error detail: the service's error code and HTTP status.
struct ProviderError {
  std::string code;  // e.g. "InvalidIdentityToken"; empty when the failure is not the service's refusal
  int http_status = 0;
};

}  // namespace edgepg::cloud
