#include "protocol_tracker.hpp"

#include <algorithm>
#include <string_view>

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
        current_ = type;
        body_.clear();
        body_cut_ = false;
        if (type == 'Q' || type == 'S') {
          ++sync_points_;
          unsynced_ = 0;
        } else {
          ++unsynced_;
        }
        return true;
      },
      [this](std::span<const std::uint8_t> bytes, bool last) { on_body(bytes, last); });
}

void FrontendTracker::on_body(std::span<const std::uint8_t> bytes, bool last) {
  if (statement_limit_ == 0 || (current_ != 'Q' && current_ != 'P')) return;
  // Parse: statement name, NUL, the SQL, NUL, ...; Query: the SQL, NUL. Keep (a bounded prefix of) the whole body.
  const std::size_t room = statement_limit_ + 256 > body_.size() ? statement_limit_ + 256 - body_.size() : 0;
  body_.append(reinterpret_cast<const char*>(bytes.data()), std::min(room, bytes.size()));
  if (bytes.size() > room) body_cut_ = true;
  if (!last) return;
  std::string_view sql(body_);
  if (current_ == 'P') {
    const auto nul = sql.find('\0');
    sql = nul == std::string_view::npos ? std::string_view() : sql.substr(nul + 1);
  }
  sql = sql.substr(0, sql.find('\0'));
  std::string out(sql.substr(0, statement_limit_));
  if (sql.size() > statement_limit_ || (body_cut_ && sql.size() == body_.size())) out += "...";
  statements_.push_back(std::move(out));
  body_.clear();
}

void BackendTracker::scan(std::span<const std::uint8_t> chunk) {
  (void)framer_.scan(
      chunk,
      [this](char type) {
        in_ready_ = type == 'Z';
        if (in_ready_) ++ready_;
        return true;
      },
      [this](std::span<const std::uint8_t> body, bool) {
        if (in_ready_ && !body.empty()) status_ = static_cast<char>(body.back());
      });
}

std::size_t first_sync_point(std::span<const std::uint8_t> messages, std::uint32_t max_length) {
  Framer framer;
  framer.set_max_length(max_length);
  bool synced = false, stopped = false;
  const std::size_t at = framer.scan(
      messages,
      [&](char type) {
        if (synced || type == 'X') {
          stopped = true;
          return false;
        }
        synced = type == 'Q' || type == 'S';
        return true;
      },
      [](std::span<const std::uint8_t>, bool) {});
  if (!synced || framer.invalid()) return 0;
  return stopped || framer.at_boundary() ? at : 0;
}

}  // namespace edgepg::gateway
