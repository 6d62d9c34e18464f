#include "protocol_tracker.hpp"

namespace edgepg::gateway {

std::size_t FrontendTracker::scan(std::span<const std::uint8_t> chunk) {
  if (terminated_) return 0;
  return framer_.scan(
      chunk,
      [this](char type) {
        if (type == 'X') {
          terminated_ = true;
          return false;
        }
        if (type == 'Q' || type == 'P') ++queries_;
        if (type == 'Q' || type == 'S') {
          ++sync_points_;
          unsynced_ = 0;
        } else {
          ++unsynced_;
        }
        return true;
      },
      [](std::span<const std::uint8_t>) {});
}

void BackendTracker::scan(std::span<const std::uint8_t> chunk) {
  (void)framer_.scan(
      chunk,
      [this](char type) {
        in_ready_ = type == 'Z';
        if (in_ready_) ++ready_;
        return true;
      },
      [this](std::span<const std::uint8_t> body) {
        if (in_ready_ && !body.empty()) status_ = static_cast<char>(body.back());
      });
}

}  // namespace edgepg::gateway
