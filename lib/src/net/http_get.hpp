// GET of a small JSON document (a JWKS) over net/http_request: the body of a 200 answer.
#pragma once

#include <string>
#include <string_view>

#include "http_request.hpp"

namespace edgepg::net {

using HttpGetOptions = HttpOptions;

// The body of a 200 response. Throws edgepg::Error: EINVAL (bad URL, http:// to a non-loopback host), EHTTP
// (a status other than 200, a malformed response, a body over max_body), and the transports' codes.
std::string http_get(std::string_view url, const HttpGetOptions& options);

}  // namespace edgepg::net
