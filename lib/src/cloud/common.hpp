// Internals shared by the cloud exchanges: form bodies, endpoint checks, RFC 3339 times, the services' error
// messages made safe to show, and the mapping of a refused answer to a Status.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "edgepg/cloud/exchange.hpp"
#include "edgepg/status.hpp"

namespace edgepg::cloud::detail {

// Appends "key=value" (application/x-www-form-urlencoded, every byte but A-Z a-z 0-9 - _ . ~ as %XX).
void form_add(std::string& body, std::string_view key, std::string_view value);

// Which plain-http hosts an endpoint may name besides loopback (127.0.0.0/8, localhost).
enum class HttpHosts { loopback, metadata };  // metadata: also 169.254.169.254, 169.254.170.2, 169.254.170.23

// ok, or invalid_argument naming `what`: not https:// (or http:// to an allowed host), user information, no host.
Status check_endpoint(std::string_view url, HttpHosts hosts, std::string_view what);

// An OIDC token as the services take it: 1..max_subject_token_bytes of visible ASCII.
bool valid_token(std::string_view token) noexcept;
// No byte below 0x20 and no DEL: safe inside a header value or a message.
bool printable(std::string_view s) noexcept;

// "2014-10-24T23:00:23Z", fractional seconds and +hh:mm/-hh:mm offsets accepted; seconds since the epoch.
bool parse_rfc3339(std::string_view text, std::int64_t& epoch_seconds) noexcept;

// At most 200 characters of a service's own error message, control bytes dropped and anything that looks like a
// token or key (a JWT, its '.'-joined parts included; a run of 32 or more base64 characters) replaced by "[redacted]".
std::string safe_excerpt(std::string_view message);

// The Status of an answer that is not a success. `code` is the service's error code (may be empty),
// `message` its own words (made safe here), `hint` what to check. 5xx, 429 and `throttled` give
// credentials_unavailable; the rest credentials_refused. Fills `error`.
Status refused(std::string_view service, const Response& response, std::string_view code, std::string_view message,
               std::string_view hint, bool throttled, ProviderError& error);

// credentials_malformed: "<service>: the answer <why>".
Status malformed(std::string_view service, std::string_view why);

// A body over max_answer_bytes: credentials_malformed (nothing parsed).
bool too_large(const Response& response) noexcept;

}  // namespace edgepg::cloud::detail
