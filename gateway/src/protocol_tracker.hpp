// What the relay knows of the two byte streams it copies, without buffering them: only type bytes and lengths are
// read (a message may straddle chunks). Enough to count the client's queries, to stop before its Terminate (a
// pooled backend must not see it), and to tell whether the backend is idle between statements when the client
// leaves: every Query or Sync the client sent has been answered by a ReadyForQuery with status idle, nothing was
// sent after the last Sync, and neither stream stopped inside a message.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace edgepg::gateway {

// Walks type + length framing: calls on_message(type) at each message's start, tracks the body's bytes.
class Framer {
 public:
  // on_message(type) at each message's start (false: stop before it); on_body(bytes, last) for its body's bytes,
  // last on the slice that completes it.
  // Stops at a message whose length is over `max` (which counts the 4 length bytes) or under 4: invalid() is then
  // true, and scan returns where that message starts in the chunk (0 when its header began in an earlier one).
  void set_max_length(std::uint32_t max) { max_length_ = max; }

  template <typename OnMessage, typename OnBody>
  std::size_t scan(std::span<const std::uint8_t> chunk, OnMessage&& on_message, OnBody&& on_body) {
    if (invalid_) return 0;
    std::size_t i = 0;
    std::size_t start = 0;  // of the message whose header is being read, if it began in this chunk
    while (i < chunk.size()) {
      if (skip_ > 0) {
        const std::size_t n = skip_ < chunk.size() - i ? static_cast<std::size_t>(skip_) : chunk.size() - i;
        skip_ -= n;
        on_body(chunk.subspan(i, n), skip_ == 0);
        i += n;
        continue;
      }
      if (header_len_ == 0) {
        start = i;
        if (!on_message(static_cast<char>(chunk[i]))) return i;  // the caller stops here
      }
      header_[header_len_++] = chunk[i++];
      if (header_len_ == 5) {
        const std::uint32_t len = (std::uint32_t{header_[1]} << 24) | (std::uint32_t{header_[2]} << 16) |
                                  (std::uint32_t{header_[3]} << 8) | header_[4];
        if (max_length_ != 0 && (len < 4 || len > max_length_)) {
          invalid_ = true;
          invalid_length_ = len;
          return start;
        }
        skip_ = len >= 4 ? len - 4 : 0;
        header_len_ = 0;
      }
    }
    return i;
  }
  [[nodiscard]] bool at_boundary() const noexcept { return header_len_ == 0 && skip_ == 0; }
  [[nodiscard]] bool invalid() const noexcept { return invalid_; }
  [[nodiscard]] std::uint32_t invalid_length() const noexcept { return invalid_length_; }

 private:
  std::array<std::uint8_t, 5> header_{};
  int header_len_ = 0;
  std::uint64_t skip_ = 0;
  std::uint32_t max_length_ = 0;  // 0: any
  bool invalid_ = false;
  std::uint32_t invalid_length_ = 0;
};

// The client's side.
class FrontendTracker {
 public:
  // How many bytes of `chunk` to forward: all of them, or those before a Terminate (then terminated() is true).
  std::size_t scan(std::span<const std::uint8_t> chunk);
  [[nodiscard]] bool terminated() const noexcept { return terminated_; }
  [[nodiscard]] std::int64_t queries() const noexcept { return queries_; }
  [[nodiscard]] std::int64_t sync_points() const noexcept { return sync_points_; }
  // Messages after the last Query or Sync (an extended query or COPY data not yet synced).
  [[nodiscard]] bool unsynced() const noexcept { return unsynced_ > 0; }
  [[nodiscard]] bool at_boundary() const noexcept { return framer_.at_boundary(); }

  // limits.max_message_bytes: a message announcing more (or a length under 4) is not forwarded; scan stops before
  // it and oversized() says so, with its announced length.
  void limit_message_size(std::uint32_t max_bytes) { framer_.set_max_length(max_bytes); }
  [[nodiscard]] bool oversized() const noexcept { return framer_.invalid(); }
  [[nodiscard]] std::uint32_t oversized_length() const noexcept { return framer_.invalid_length(); }

  // audit.statements: the SQL of each Query and Parse, at most max_bytes of it (then "..."), taken by
  // take_statements(). Bind's parameter values are never collected.
  void collect_statements(std::size_t max_bytes) { statement_limit_ = max_bytes; }
  std::vector<std::string> take_statements() { return std::exchange(statements_, {}); }

 private:
  void on_body(std::span<const std::uint8_t> bytes, bool last);

  Framer framer_;
  std::size_t statement_limit_ = 0;  // 0: not collecting
  char current_ = 0;                 // the type of the message whose body is being read
  std::string body_;                 // of a Query or Parse, bounded
  bool body_cut_ = false;
  std::vector<std::string> statements_;
  std::int64_t queries_ = 0;
  std::int64_t sync_points_ = 0;
  std::int64_t unsynced_ = 0;
  bool terminated_ = false;
};

// The backend's side.
class BackendTracker {
 public:
  void scan(std::span<const std::uint8_t> chunk);
  [[nodiscard]] std::int64_t ready_count() const noexcept { return ready_; }
  [[nodiscard]] char last_status() const noexcept { return status_; }
  [[nodiscard]] bool at_boundary() const noexcept { return framer_.at_boundary(); }

 private:
  Framer framer_;
  std::int64_t ready_ = 0;
  bool in_ready_ = false;
  char status_ = 'I';
};

// In `messages` (the client's, read behind its login), the length of those up to and including its first Query or
// Sync: what may be sent to a backend behind the gateway's own statements, since after an error PostgreSQL skips
// up to the next Sync, and nothing past that point could be held back. 0 when a Terminate, a message over
// `max_length` (0: any) or the end comes first.
std::size_t first_sync_point(std::span<const std::uint8_t> messages, std::uint32_t max_length);

// Whether a backend can go back to the pool after its client left: idle between statements, nothing in flight.
inline bool idle_between_statements(const FrontendTracker& fe, const BackendTracker& be) {
  return fe.at_boundary() && !fe.unsynced() && be.at_boundary() && be.ready_count() == fe.sync_points() &&
         be.last_status() == 'I';
}

}  // namespace edgepg::gateway
