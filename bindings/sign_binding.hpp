// RDS IAM auth tokens and a SHA-256 helper (for cache keys that must not hold secrets).
#pragma once

#include <string>

#include "lists.hpp"

namespace edgepg::bindings {

// epoch_seconds: the signing time (JS passes Date.now() / 1000 or the caller's `now`).
CallResult rds_auth_token(const std::string& hostname, double port, const std::string& username,
                          const std::string& region, const std::string& access_key_id,
                          const std::string& secret_access_key, const std::string& session_token, double epoch_seconds);

// Lowercase hex SHA-256 of the UTF-8 bytes of `text`.
std::string sha256_hex(const std::string& text);

// How many PBKDF2 derivations this module has run (tests prove that cached SCRAM keys skip them).
double pbkdf2_count();

}  // namespace edgepg::bindings
