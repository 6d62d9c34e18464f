#include "http_get.hpp"

#include "edgepg/error.hpp"

namespace edgepg::net {

std::string http_get(std::string_view url, const HttpGetOptions& options) {
  HttpResponse r = http_request("GET", url, {{"Accept", "application/json"}}, {}, options);
  if (r.status != 200) throw Error(ErrorCode::http, "the server answered HTTP " + std::to_string(r.status));
  return std::move(r.body);
}

}  // namespace edgepg::net
