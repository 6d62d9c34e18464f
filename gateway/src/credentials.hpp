// The passwords the gateway logs in with (per role, and the sessions admin): read from a file (a trailing newline
// ignored) or an environment variable when a login needs them, so a rotated file applies to the next login.
#pragma once

#include <string>

namespace edgepg::gateway {

// The password, or an empty string with `why` set (never the password) when it cannot be read.
std::string read_password(const std::string& file, const std::string& env, std::string& why);

}  // namespace edgepg::gateway
