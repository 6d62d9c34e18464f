// What the native keyless providers share (internal): sending a request the core built over net/http_request (its
// timeout, the 64 KiB bound, no redirects, plain http only where the core allows it), reading the workload's token,
// the environment and the clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "edgepg/client/cloud_options.hpp"
#include "edgepg/cloud/exchange.hpp"
#include "edgepg/status.hpp"

namespace edgepg::client_detail {

// The answer's status and body (bounded by cloud::max_answer_bytes). Throws edgepg::Error: the builder's failed
// `built` status as it is; ETIMEDOUT "<service> at <origin> did not answer within <n> ms"; ECREDENTIALS for an
// answer over 64 KiB or a malformed HTTP answer; the transports' codes with the service named.
struct Answer {
  int status = 0;
  std::string body;
  [[nodiscard]] cloud::Response response() const { return {status, body}; }
};
Answer send(const Status& built, const cloud::Request& request, std::string_view service, const CloudOptions& options);

// Throws edgepg::Error(status) when it failed.
void check(const Status& status);

// The token from `source` (trimmed). Throws EINVAL (no source, a function that threw or gave nothing) or
// ECREDENTIALS (the file cannot be read or is empty), naming `what` and the file, never the token.
std::string read_token(const TokenSource& source, std::string_view what);
// The whole file, surrounding whitespace trimmed; nullopt when it cannot be read.
std::optional<std::string> read_trimmed_file(const std::string& path);

// The variable's value; empty when unset.
std::string env(const char* name);

std::int64_t now_ms(const CloudOptions& options);

}  // namespace edgepg::client_detail
