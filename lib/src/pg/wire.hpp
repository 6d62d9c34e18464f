// Big-endian integer access for protocol bodies (internal).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace edgepg::pg::wire {

inline std::uint32_t read_u32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}
inline std::uint16_t read_u16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

// A bounds-checked cursor over one message body. Every read reports failure instead of reading past the end.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> body) : body_(body) {}
  bool u8(std::uint8_t& v) noexcept {
    if (remaining() < 1) return false;
    v = body_[pos_++];
    return true;
  }
  bool u16(std::uint16_t& v) noexcept {
    if (remaining() < 2) return false;
    v = read_u16(body_.data() + pos_);
    pos_ += 2;
    return true;
  }
  bool i16(std::int16_t& v) noexcept {
    std::uint16_t u;
    if (!u16(u)) return false;
    v = static_cast<std::int16_t>(u);
    return true;
  }
  bool u32(std::uint32_t& v) noexcept {
    if (remaining() < 4) return false;
    v = read_u32(body_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool i32(std::int32_t& v) noexcept {
    std::uint32_t u;
    if (!u32(u)) return false;
    v = static_cast<std::int32_t>(u);
    return true;
  }
  // A NUL-terminated string; fails when no terminator remains.
  bool cstr(std::string_view& v) noexcept {
    for (std::size_t i = pos_; i < body_.size(); ++i) {
      if (body_[i] == 0) {
        v = std::string_view(reinterpret_cast<const char*>(body_.data() + pos_), i - pos_);
        pos_ = i + 1;
        return true;
      }
    }
    return false;
  }
  bool bytes(std::size_t n, std::span<const std::uint8_t>& v) noexcept {
    if (remaining() < n) return false;
    v = body_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  std::span<const std::uint8_t> rest() noexcept {
    auto r = body_.subspan(pos_);
    pos_ = body_.size();
    return r;
  }
  [[nodiscard]] std::size_t remaining() const noexcept { return body_.size() - pos_; }
  [[nodiscard]] bool at_end() const noexcept { return pos_ == body_.size(); }

 private:
  std::span<const std::uint8_t> body_;
  std::size_t pos_ = 0;
};

}  // namespace edgepg::pg::wire
