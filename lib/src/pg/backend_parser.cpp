#include "edgepg/pg/backend_parser.hpp"

#include <string>

#include "wire.hpp"

namespace edgepg::pg {

Status BackendParser::feed(Bytes chunk) {
  if (!error_.ok()) return error_;
  // Drop what was handed out already, then append. Bodies of earlier messages become invalid here, as documented.
  if (pos_ > 0) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  buf_.insert(buf_.end(), chunk.begin(), chunk.end());
  return {};
}

ParseStep BackendParser::next(RawMessage& out) {
  if (!error_.ok()) return ParseStep::error;
  const std::size_t avail = buf_.size() - pos_;
  if (avail < 5) return ParseStep::need_more;
  const std::uint8_t* p = buf_.data() + pos_;
  const std::uint32_t len = wire::read_u32(p + 1);  // counts itself, not the type byte
  if (len < 4) {
    error_ = Status(ErrorCode::protocol, "server sent a message length below 4 (" + std::to_string(len) +
                                             "): the stream is not PostgreSQL protocol v3");
    return ParseStep::error;
  }
  if (len - 4 > max_message_size_) {
    error_ = Status(ErrorCode::message_too_large,
                    "server message of " + std::to_string(len) + " bytes exceeds the limit of " +
                        std::to_string(max_message_size_) + " bytes (raise maxMessageSize if this is expected)");
    return ParseStep::error;
  }
  if (avail < std::size_t{len} + 1) return ParseStep::need_more;
  out.type = static_cast<char>(p[0]);
  out.body = Bytes(p + 5, len - 4);
  pos_ += std::size_t{len} + 1;
  return ParseStep::message;
}

}  // namespace edgepg::pg
