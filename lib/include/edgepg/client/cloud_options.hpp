// What the native keyless providers (aws_credentials.hpp, access_token.hpp) share: how they reach the token services
// (the native HTTPS client: a timeout for the whole exchange, a 64 KiB bound on the answer, no redirects, plain
// http:// only to loopback and the metadata addresses), how long a result is kept (a BlockingTokenCache: refreshed
// ahead of its expiry, one exchange at a time per provider), the clock, and where a workload's OIDC token comes from.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace edgepg {

struct CloudOptions {
  std::string root_cert_file;                   // PEM roots for the services' certificates; empty: the system's
  std::chrono::milliseconds timeout{10'000};    // per exchange (an IMDS or Google refresh makes two or three)
  std::int64_t refresh_window_ms = 5 * 60'000;  // refresh this long before the expiry
  // Milliseconds since the Unix epoch (wall time: the services' expirations are wall times); empty: the system clock.
  std::function<std::int64_t()> clock;
};

// The workload's OIDC token, read at each exchange: from `function` when set, else from `file` (re-read each time,
// so a rotated file, e.g. Kubernetes' projected service-account token, applies to the next refresh; surrounding
// whitespace ignored).
struct TokenSource {
  std::function<std::string()> function;
  std::string file;
};

}  // namespace edgepg
