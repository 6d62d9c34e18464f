// What the steps of a client's login share: the refusal they end with, and the channel they talk through (whole
// frontend messages in, backend messages out), which a session implements over its stream and parsers.
#pragma once

#include <asio/awaitable.hpp>
#include <string>

#include "edgepg/pg/backend_writer.hpp"
#include "edgepg/pg/messages.hpp"

namespace edgepg::gateway {

// A refusal the client understands: an ErrorResponse (FATAL) and the end of the session.
struct Refused {
  std::string sqlstate;
  std::string message;
  std::string reason;  // the audit/metrics reason (a code name), never a secret
};

class LoginChannel {
 public:
  virtual ~LoginChannel() = default;
  // The next whole message from the client; throws Refused when it is malformed or the client is gone.
  virtual asio::awaitable<pg::RawMessage> next_message() = 0;
  // Sends what `w` holds and clears it.
  virtual asio::awaitable<void> send(pg::BackendWriter& w) = 0;
};

}  // namespace edgepg::gateway
