// libFuzzer target: edgepg-gateway's configuration parser (gateway/src/config.cpp) on arbitrary text. Every input is
// either a Config or a ConfigError naming a key's path: no other exception (nlohmann's type or range errors included),
// no crash; and a configuration it accepts keeps its promises (at least one client listener, pool.min_idle <=
// pool.max, every allowed role with exactly one credential source, OAUTHBEARER only with the postgres listener).
#include <cstdint>
#include <string>

#include "../../gateway/src/config.hpp"
#include "fuzz_util.hpp"

using edgepg::gateway::Config;
using edgepg::gateway::ConfigError;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Config c;
  try {
    c = edgepg::gateway::parse_config(text);
  } catch (const ConfigError& e) {
    EDGEPG_FUZZ_CHECK(e.what()[0] != '\0');
    return 0;
  }
  EDGEPG_FUZZ_CHECK(c.listen.websocket || c.listen.postgres);
  if (c.listen.oauthbearer) EDGEPG_FUZZ_CHECK(c.listen.postgres.has_value());
  if (c.pool) EDGEPG_FUZZ_CHECK(c.pool->min_idle <= c.pool->max && c.pool->max >= 1);
  for (const auto& role : c.identity.allowed_roles) {
    const auto it = c.roles.find(role);
    EDGEPG_FUZZ_CHECK(it != c.roles.end());
    const int sources =
        !it->second.password_file.empty() + !it->second.password_env.empty() + it->second.rds_iam.has_value();
    EDGEPG_FUZZ_CHECK(sources == 1);
  }
  return 0;
}
