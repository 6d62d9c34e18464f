#include "edgepg/ws/reassembly.hpp"

namespace edgepg::ws {

namespace {
constexpr std::size_t keep_capacity = 1u << 20;
}  // namespace

void release_if_large(std::vector<std::uint8_t>& buffer) {
  if (buffer.empty() && buffer.capacity() > keep_capacity) std::vector<std::uint8_t>().swap(buffer);
}

ErrorCode Reassembly::check_order(const FrameHeader& h) const noexcept {
  if (h.opcode == Opcode::continuation) return open_ ? ErrorCode::ok : ErrorCode::ws_continuation_without_start;
  return open_ ? ErrorCode::ws_data_frame_inside_message : ErrorCode::ok;
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
