#include "edgepg/ws/reassembly.hpp"

namespace edgepg::ws {

namespace {
constexpr std::size_t keep_capacity = 1u << 20;
}  // namespace

void release_if_large(std::vector<std::uint8_t>& buffer) {
  if (buffer.empty() && buffer.capacity() > keep_capacity) std::vector<std::uint8_t>().swap(buffer);
}

ErrorCode Reassembly::admit(const FrameHeader& h, bool refuse_text, std::size_t max_message_size,
                            std::string& detail) const {
  if (h.opcode == Opcode::continuation && !open_) return ErrorCode::ws_continuation_without_start;
  if (h.opcode != Opcode::continuation && open_) return ErrorCode::ws_data_frame_inside_message;
  if (h.opcode == Opcode::text && refuse_text) return ErrorCode::ws_text_refused;
  const std::size_t have = size();
  if (h.payload_length > max_message_size - have) {
    detail = "a frame of " + std::to_string(h.payload_length) + " bytes after " + std::to_string(have) +
             " bytes, limit " + std::to_string(max_message_size);
    return ErrorCode::ws_message_too_big;
  }
  return ErrorCode::ok;
}

bool Reassembly::add(const FrameHeader& h, Bytes payload, Opcode& opcode, Bytes& message) {
  if (h.fin && !open_) {
    // The common case: one frame, one message, straight from the codec's receive buffer.
    opcode = h.opcode;
    message = payload;
    return true;
  }
  if (!open_) {
    open_ = true;
    opcode_ = h.opcode;
    buffer_.clear();
    release_if_large(buffer_);
  }
  buffer_.insert(buffer_.end(), payload.begin(), payload.end());
  if (!h.fin) return false;
  open_ = false;
  opcode = opcode_;
  message = buffer_;
  return true;
}

void Reassembly::reset() noexcept {
  open_ = false;
  buffer_.clear();
}

}  // namespace edgepg::ws
