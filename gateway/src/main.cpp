// edgepg-gateway: the identity-aware gate in front of PostgreSQL (docs/GATEWAY.md).
//   edgepg-gateway --config FILE         serve
//   edgepg-gateway --check-config FILE   validate the configuration and exit
//   edgepg-gateway --print-schema [ADMIN] the SQL of the edgepg schema (tamper-proof claims)
//   edgepg-gateway --version
#include <cstring>
#include <iostream>

#include "config.hpp"
#include "identity.hpp"
#include "schema.hpp"
#include "server.hpp"

namespace {

constexpr const char* kVersion = "edgepg-gateway 0.1.0";

int usage() {
  std::cerr << "usage: edgepg-gateway --config FILE | --check-config FILE | --print-schema [ADMIN_ROLE] | --version\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace edgepg::gateway;
  if (argc < 2) return usage();
  const std::string cmd = argv[1];
  try {
    if (cmd == "--version") {
      std::cout << kVersion << "\n";
      return 0;
    }
    if (cmd == "--print-schema") {
      std::cout << schema_sql(argc > 2 ? argv[2] : "edgepg_admin");
      return 0;
    }
    if (cmd == "--check-config" && argc == 3) {
      const Config c = load_config(argv[2]);
      IdentityVerifier identity(c.identity, jwks_timeout(c));  // keys load (files) or the JWKS URL is taken apart
      (void)load_listener_tls(c);                              // the certificate and key read and matched
      std::cout << "edgepg-gateway: the configuration is valid\n";
      return 0;
    }
    if (cmd == "--config" && argc == 3) return run_server(argv[2]);
  } catch (const ConfigError& e) {
    std::cerr << "edgepg-gateway: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "edgepg-gateway: " << e.what() << "\n";
    return 1;
  }
  return usage();
}
