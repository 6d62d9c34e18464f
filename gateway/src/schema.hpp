// The SQL that installs the edgepg schema (edgepg-gateway --print-schema): the tamper-proof claims channel.
#pragma once

#include <string>

namespace edgepg::gateway {

// admin: the role that owns the schema and that the gateway writes edgepg.sessions as (claims.sessions.user).
std::string schema_sql(const std::string& admin);

}  // namespace edgepg::gateway
