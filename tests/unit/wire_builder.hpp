// Builders of backend wire bytes for tests (what a PostgreSQL server would send).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace edgepg::test {

class Wire {
 public:
  Wire& msg(char type, const std::string& body) {
    out_.push_back(static_cast<std::uint8_t>(type));
    u32(static_cast<std::uint32_t>(body.size() + 4));
    out_.insert(out_.end(), body.begin(), body.end());
    return *this;
  }
  Wire& raw(std::initializer_list<std::uint8_t> bytes) {
    out_.insert(out_.end(), bytes);
    return *this;
  }
  Wire& append(const Wire& other) {
    out_.insert(out_.end(), other.out_.begin(), other.out_.end());
    return *this;
  }
  [[nodiscard]] const std::vector<std::uint8_t>& bytes() const { return out_; }

  static std::string i32(std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    return {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8), static_cast<char>(u)};
  }
  static std::string i16(std::int16_t v) {
    const auto u = static_cast<std::uint16_t>(v);
    return {static_cast<char>(u >> 8), static_cast<char>(u)};
  }
  static std::string cstr(std::string_view s) { return std::string(s) + '\0'; }

  // Common messages.
  Wire& auth(std::int32_t code, const std::string& data = {}) { return msg('R', i32(code) + data); }
  Wire& parameter_status(std::string_view k, std::string_view v) { return msg('S', cstr(k) + cstr(v)); }
  Wire& backend_key(std::int32_t pid, std::int32_t secret) { return msg('K', i32(pid) + i32(secret)); }
  Wire& ready(char status = 'I') { return msg('Z', std::string(1, status)); }
  Wire& row_description(std::initializer_list<std::pair<std::string, std::uint32_t>> fields) {
    std::string body = i16(static_cast<std::int16_t>(fields.size()));
    for (const auto& [name, oid] : fields) {
      body += cstr(name) + i32(0) + i16(0) + i32(static_cast<std::int32_t>(oid)) + i16(-1) + i32(-1) + i16(0);
    }
    return msg('T', body);
  }
  Wire& data_row(std::initializer_list<std::optional<std::string>> cells) {
    std::string body = i16(static_cast<std::int16_t>(cells.size()));
    for (const auto& c : cells) body += c ? i32(static_cast<std::int32_t>(c->size())) + *c : i32(-1);
    return msg('D', body);
  }
  Wire& command_complete(std::string_view tag) { return msg('C', cstr(tag)); }
  Wire& error(std::initializer_list<std::pair<char, std::string>> fields, char type = 'E') {
    std::string body;
    for (const auto& [t, v] : fields) body += std::string(1, t) + cstr(v);
    body += '\0';
    return msg(type, body);
  }

 private:
  void u32(std::uint32_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 24));
    out_.push_back(static_cast<std::uint8_t>(v >> 16));
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  std::vector<std::uint8_t> out_;
};

}  // namespace edgepg::test
