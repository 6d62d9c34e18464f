#include "services.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace edgepg::e2e {

const Services& services() {
  static const Services svc = [] {
    const char* env = std::getenv("EDGEPG_TEST_SERVICES");
    if (!env) throw std::runtime_error("EDGEPG_TEST_SERVICES is not set: run through scripts/test-native");
    const auto j = nlohmann::json::parse(env);
    Services s;
    s.pg_port = j.at("pgPort").get<int>();
    s.ws_port = j.at("wsPort").get<int>();
    s.dir = j.at("dir").get<std::string>();
    if (const char* tls = std::getenv("EDGEPG_TEST_TLS_DIR")) s.tls_dir = tls;
    if (const char* wss = std::getenv("EDGEPG_TEST_WSS_PORT")) s.wss_port = std::atoi(wss);
    return s;
  }();
  return svc;
}

namespace {
std::string credentials() {
  return std::string("user=") + scram_user + " password='" + scram_password + "' dbname=edgepg_test ";
}
}  // namespace

std::string tcp(const std::string& extra) {
  return "host=127.0.0.1 port=" + std::to_string(services().pg_port) + " " + credentials() + extra;
}

std::string ws(const std::string& extra) {
  return "host=localhost port=" + std::to_string(services().pg_port) + " " + credentials() +
         "websocket_url=ws://127.0.0.1:" + std::to_string(services().ws_port) + "/ " + extra;
}

}  // namespace edgepg::e2e
