// Results of the core's operations. The core never throws across its public API: every fallible call returns a
// Status (or carries one), and server ErrorResponses are data, not Status failures.
#pragma once

#include <string>
#include <utility>

namespace edgepg {

// One documented range of error codes. The JS layer maps each to an EdgepgError code (in brackets).
enum class Errc {
  ok = 0,
  protocol,           // [EPROTO] the peer sent bytes that break the protocol (bad length, unknown message, bad order)
  message_too_large,  // [EPROTO] a length prefix above the configured limit; nothing was allocated for it
  auth,               // [EAUTH] authentication could not proceed or the server failed to prove itself
  unsupported,        // [EPROTO] the server asked for something this client does not implement
  invalid_argument,   // [EINVAL] the caller passed something unusable (e.g. a NUL byte inside a query string)
  invalid_state,      // [EINVAL] the call does not fit the connection's phase (e.g. a query before login)
  closed,             // [ECONNCLOSED] the connection is closed or failed earlier
};

// Stable names, as the JS layer and logs show them.
constexpr const char* errc_name(Errc c) noexcept {
  switch (c) {
    case Errc::ok:
      return "ok";
    case Errc::protocol:
      return "protocol";
    case Errc::message_too_large:
      return "message_too_large";
    case Errc::auth:
      return "auth";
    case Errc::unsupported:
      return "unsupported";
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::invalid_state:
      return "invalid_state";
    case Errc::closed:
      return "closed";
  }
  return "unknown";
}

// A code and a message that says what happened and what to do. Messages never contain secrets.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Errc code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status success() { return {}; }

  [[nodiscard]] bool ok() const noexcept { return code_ == Errc::ok; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] Errc code() const noexcept { return code_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  Errc code_ = Errc::ok;
  std::string message_;
};

}  // namespace edgepg
