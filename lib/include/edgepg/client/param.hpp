// A query parameter, sent in text format: a string, a number, a boolean, or NULL (nullptr / std::nullopt).
//
//   conn.query("select $1::int + $2::int, $3::text, $4::bool", {1, std::int64_t{2}, "three", true});
//   conn.query("insert into t values ($1)", {nullptr});
// A string parameter is a view: the text must outlive the query call (temporaries in the call are fine).
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace edgepg {

class Param {
 public:
  Param(std::nullptr_t) noexcept {}
  Param(std::nullopt_t) noexcept {}
  Param(std::string_view text) noexcept : view_(text), null_(false) {}
  Param(const char* text) : Param(text ? std::string_view(text) : std::string_view()) { null_ = text == nullptr; }
  Param(const std::string& text) noexcept : Param(std::string_view(text)) {}
  Param(std::optional<std::string_view> text) noexcept : view_(text.value_or("")), null_(!text) {}
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) Param(T value)
      : owned_(std::to_string(value)), owns_(true), null_(false) {}
  Param(double value);
  Param(bool value) noexcept : view_(value ? "true" : "false"), null_(false) {}

  [[nodiscard]] bool is_null() const noexcept { return null_; }
  [[nodiscard]] std::string_view text() const noexcept { return owns_ ? std::string_view(owned_) : view_; }

 private:
  std::string_view view_;
  std::string owned_;  // numbers, formatted here
  bool owns_ = false;
  bool null_ = true;
};

}  // namespace edgepg
