// What scripts/test-native started for the e2e tests: PostgreSQL 15 (with TLS on), websockify in front of it
// (ws:// and wss://), and the test certificates. Read from EDGEPG_TEST_SERVICES (scripts/with-services.js) and
// EDGEPG_TEST_TLS_DIR / EDGEPG_TEST_WSS_PORT (scripts/test-native).
#pragma once

#include <string>

namespace edgepg::e2e {

struct Services {
  int pg_port = 0;
  int ws_port = 0;
  int wss_port = 0;     // websockify with TLS (0: not started)
  std::string dir;      // the cluster's folder (its Unix socket lives here)
  std::string tls_dir;  // ca.crt, wrong-ca.crt (empty: TLS tests are skipped)
};

const Services& services();

// Passwords of the roles tests/support/services.js creates.
inline constexpr const char* scram_user = "scram_user";
inline constexpr const char* scram_password = "scram-p\xC3\xA4ssword-1";

// key/value connection string to the scram role over TCP, plus `extra`.
std::string tcp(const std::string& extra = "sslmode=disable");
// ... through websockify.
std::string ws(const std::string& extra = "sslmode=disable");

}  // namespace edgepg::e2e
