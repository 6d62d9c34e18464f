// The fragments of one data message (RFC 6455 §5.4), for both codec roles (client_codec.hpp, server_codec.hpp):
// which data frame may come next and whether the message stays within the codec's size limit (both decided on the
// frame's header, before its payload is awaited), and the whole message when its FIN frame arrives. An unfragmented
// message is handed out as the frame's own payload (no copy); a fragmented one from the reassembly buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "edgepg/error_code.hpp"
#include "edgepg/ws/frame.hpp"

namespace edgepg::ws {

// A buffer emptied after a huge message gives its memory back rather than keep it for the connection's life.
void release_if_large(std::vector<std::uint8_t>& buffer);

class Reassembly {
 public:
  // The rules a data frame's header must meet before its payload is awaited, in this order: §5.4 (a continuation
  // needs a message begun by a text or binary frame without FIN: ws_continuation_without_start; a text or binary
  // frame must not begin inside one: ws_data_frame_inside_message); no text frame with `refuse_text`
  // (ws_text_refused); the message within `max_message_size` with this frame (ws_message_too_big, `detail` saying
  // how far), so a huge length never causes an allocation. ErrorCode::ok when it may be read.
  [[nodiscard]] ErrorCode admit(const FrameHeader& h, bool refuse_text, std::size_t max_message_size,
                                std::string& detail) const;
  // The bytes the open message holds so far; 0 when none is open.
  [[nodiscard]] std::size_t size() const noexcept { return open_ ? buffer_.size() : 0; }
  // A data frame (its header admitted) and its payload. True when a message is whole: `opcode` is text or
  // binary and `message` its payload, valid until the next add() or the codec's next feed().
  bool add(const FrameHeader& h, Bytes payload, Opcode& opcode, Bytes& message);
  // Drops the open message, if any (a Close or a failure ends it).
  void reset() noexcept;

 private:
  bool open_ = false;
  Opcode opcode_ = Opcode::binary;
  std::vector<std::uint8_t> buffer_;  // the open message's fragments so far
};

}  // namespace edgepg::ws
