#include "audit.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

namespace edgepg::gateway {

Audit::Audit(const std::string& path) {
  if (path == "-") {
    out_ = stdout;
  } else if (!path.empty()) {
    out_ = std::fopen(path.c_str(), "a");
    owned_ = out_ != nullptr;
  }
}

Audit::~Audit() {
  if (owned_) std::fclose(out_);
}

void Audit::write(const AuditEvent& e) {
  if (out_ == nullptr) return;
  nlohmann::json j;
  const auto now = std::chrono::system_clock::now();
  j["ts"] = static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()) /
            1000.0;
  j["event"] = e.event;
  j["session"] = e.session;
  const auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
  };
  put("client", e.client);
  put("listener", e.listener);
  put("sub", e.sub);
  put("iss", e.iss);
  put("role", e.role);
  put("database", e.database);
  put("reason", e.reason);
  put("sql", e.sql);
  if (e.duration_ms >= 0) j["duration_ms"] = e.duration_ms;
  if (e.bytes_in >= 0) j["bytes_in"] = e.bytes_in;
  if (e.bytes_out >= 0) j["bytes_out"] = e.bytes_out;
  if (e.queries >= 0) j["queries"] = e.queries;
  // Invalid UTF-8 from a client (a user name, a statement) is replaced rather than thrown on.
  const std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace edgepg::gateway
