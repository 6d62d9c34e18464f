// Results of the core's operations. The core never throws across its public API: every fallible call returns a
// Status (or carries one), and server ErrorResponses are data, not Status failures.
#pragma once

#include <string>
#include <utility>

#include "edgepg/error_code.hpp"

namespace edgepg {

// A code from the one registry (edgepg/error_code.hpp) and a message that says what happened and what to do.
// Messages never contain secrets: no password, token, signature, claim value or key.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status success() { return {}; }

  [[nodiscard]] bool ok() const noexcept { return code_ == ErrorCode::ok; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] ErrorCode code() const noexcept { return code_; }
  // The user-facing name of the code: "EPROTO", "ERR_JWT_EXPIRED", ... ("OK" when ok).
  [[nodiscard]] const char* name() const noexcept { return error_name(code_); }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  ErrorCode code_ = ErrorCode::ok;
  std::string message_;
};

}  // namespace edgepg
