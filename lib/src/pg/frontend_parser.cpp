#include "edgepg/pg/frontend_parser.hpp"

#include <string>

#include "wire.hpp"

namespace edgepg::pg {
namespace {

// Buffers that once held a huge message give their memory back rather than keep it for the connection's life.
constexpr std::size_t keep_capacity = 1u << 20;

std::string type_text(std::uint8_t t) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s = "0x";
  s += hex[t >> 4];
  s += hex[t & 15];
  if (t >= 0x21 && t <= 0x7E) s.append(" '").append(1, static_cast<char>(t)).append("'");
  return s;
}

}  // namespace

bool is_frontend_message_type(char type) noexcept {
  switch (type) {
    case frontend::bind:
    case frontend::close:
    case frontend::copy_data:
    case frontend::copy_done:
    case frontend::copy_fail:
    case frontend::describe:
    case frontend::execute:
    case frontend::flush:
    case frontend::function_call:
    case frontend::password:
    case frontend::parse:
    case frontend::query:
    case frontend::sync:
    case frontend::terminate:
      return true;
    default:
      return false;
  }
}

Status FrontendParser::feed(Bytes chunk) {
  if (!error_.ok()) return error_;
  // Drop what was handed out already, then append. Bodies of earlier messages become invalid here, as documented.
  if (pos_ > 0) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
    if (buf_.empty() && buf_.capacity() > keep_capacity) std::vector<std::uint8_t>().swap(buf_);
  }
  buf_.insert(buf_.end(), chunk.begin(), chunk.end());
  return {};
}

ParseStep FrontendParser::next(RawMessage& out) {
  if (!error_.ok()) return ParseStep::error;
  const std::size_t avail = buf_.size() - pos_;
  if (avail == 0) return ParseStep::need_more;
  const std::uint8_t* p = buf_.data() + pos_;
  // The type byte alone already tells a stream that is not protocol v3 (PostgreSQL checks it before the length).
  if (!is_frontend_message_type(static_cast<char>(p[0]))) {
    error_ = Status(ErrorCode::protocol, "invalid frontend message type " + type_text(p[0]));
    return ParseStep::error;
  }
  if (avail < 5) return ParseStep::need_more;
  const std::uint32_t len = wire::read_u32(p + 1);  // counts itself, not the type byte
  if (len < 4) {
    error_ = Status(ErrorCode::protocol, "client sent a message length below 4 (" + std::to_string(len) +
                                             "): the stream is not PostgreSQL protocol v3");
    return ParseStep::error;
  }
  if (len - 4 > max_message_size_) {
    error_ = Status(ErrorCode::message_too_large, "client message " + type_text(p[0]) + " of " + std::to_string(len) +
                                                      " bytes exceeds the limit of " +
                                                      std::to_string(max_message_size_) + " bytes");
    return ParseStep::error;
  }
  if (avail < std::size_t{len} + 1) return ParseStep::need_more;
  out.type = static_cast<char>(p[0]);
  out.body = Bytes(p + 5, len - 4);
  pos_ += std::size_t{len} + 1;
  return ParseStep::message;
}

}  // namespace edgepg::pg
