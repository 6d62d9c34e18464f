#include "edgepg/client/param.hpp"

#include <charconv>
#include <cmath>

namespace edgepg {

Param::Param(double value) : owns_(true), null_(false) {
  // PostgreSQL's spellings for the special values; otherwise the shortest text that reads back exactly.
  if (std::isnan(value)) {
    owned_ = "NaN";
  } else if (std::isinf(value)) {
    owned_ = value > 0 ? "Infinity" : "-Infinity";
  } else {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    owned_.assign(buf, ec == std::errc() ? end : buf);
  }
}

}  // namespace edgepg
