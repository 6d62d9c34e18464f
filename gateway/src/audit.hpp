// The audit trail: one JSON object per line (docs/GATEWAY.md lists the fields), to a file or standard output.
// Never a token, a password or a parameter value: callers pass only identities, reasons and counts.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace edgepg::gateway {

struct AuditEvent {
  std::string event;  // session_start | session_end | auth_failed | refused | statement
  std::uint64_t session = 0;
  std::string client;    // the peer's address
  std::string listener;  // websocket | postgres
  std::string sub, iss, role, database, reason;
  std::int64_t duration_ms = -1;
  std::int64_t bytes_in = -1, bytes_out = -1, queries = -1;
  std::string sql;  // statement events only
};

class Audit {
 public:
  // path: "-" for standard output, "" for no audit, else a file opened for appending.
  explicit Audit(const std::string& path);
  ~Audit();
  Audit(const Audit&) = delete;
  Audit& operator=(const Audit&) = delete;
  void write(const AuditEvent& e);

 private:
  std::mutex mutex_;
  std::FILE* out_ = nullptr;
  bool owned_ = false;
};

}  // namespace edgepg::gateway
