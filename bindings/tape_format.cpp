#include "tape_format.hpp"

namespace edgepg::bindings {

std::string tape_tags() {
  std::string out;
  for (const auto& t : event_tags)
    out.append("event ").append(t.name).append(" ").append(std::to_string(t.value)) += '\n';
  for (const auto& t : cell_tags)
    out.append("cell ").append(t.name).append(" ").append(std::to_string(t.value)) += '\n';
  return out;
}

}  // namespace edgepg::bindings
