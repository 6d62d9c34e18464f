// Framing of the backend byte stream: bytes go in by any chunking, whole messages come out.
//
//   BackendParser p;
//   if (auto s = p.feed(chunk); !s) { ... }          // never fails on valid framing
//   RawMessage m;
//   while (p.next(m) == ParseStep::message) { ... }  // m.body stays valid until the next feed()
//
// A length prefix below 4 or above max_message_size is ErrorCode::message_too_large / ErrorCode::protocol; the parser
// then stays failed. Nothing is allocated for a message before its length has been checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "edgepg/pg/messages.hpp"
#include "edgepg/status.hpp"

namespace edgepg::pg {

inline constexpr std::size_t default_max_message_size = 64u * 1024u * 1024u;

enum class ParseStep { message, need_more, error };

class BackendParser {
 public:
  explicit BackendParser(std::size_t max_message_size = default_max_message_size)
      : max_message_size_(max_message_size) {}

  // Appends a chunk. Bodies handed out by next() before this call are invalid afterwards.
  Status feed(Bytes chunk);
  // The next whole message; need_more when the buffered bytes end inside one; error once framing is broken.
  ParseStep next(RawMessage& out);
  // Why next() returned error.
  [[nodiscard]] const Status& error() const noexcept { return error_; }
  // Bytes received but not yet handed out as whole messages.
  [[nodiscard]] std::size_t buffered() const noexcept { return buf_.size() - pos_; }
  // Those bytes (valid until the next feed()): what follows the messages a reader wanted, for another reader.
  [[nodiscard]] Bytes unparsed() const noexcept { return {buf_.data() + pos_, buf_.size() - pos_}; }

 private:
  std::size_t max_message_size_;
  std::vector<std::uint8_t> buf_;
  std::size_t pos_ = 0;
  Status error_;
};

}  // namespace edgepg::pg
