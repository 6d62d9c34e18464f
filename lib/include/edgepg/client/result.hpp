// The result of one query: columns (name, type OID), rows of text-format values or NULLs, the command tag and the
// rows it affected. Values are kept as the server sent them (text format) in one buffer; typed accessors parse on
// demand. A Result owns its data and is independent of the Connection (movable, copyable).
//
//   Result r = conn.query("select id, name from t where id = $1", {"42"});
//   for (const Row& row : r) { std::int64_t id = row[0].as_int64(); std::string_view name = row["name"].text(); }
//   r.rows_affected();   // e.g. for UPDATE: the count in the tag "UPDATE 3"
//
// Errors (edgepg::Error): EINVAL for a row or column index out of range or an unknown column name; ETYPE when a
// typed accessor meets NULL or text that is not of its shape.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgepg {

namespace detail {
class ResultBuilder;
}

struct Column {
  std::string name;
  std::uint32_t type_oid = 0;  // see pg/text_codec.hpp's oid namespace
};

class Result;

// One value: a view into its Result (valid while the Result lives and is not moved from).
class Field {
 public:
  [[nodiscard]] bool is_null() const noexcept { return null_; }
  // The text as the server sent it; empty for NULL (check is_null()).
  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  [[nodiscard]] std::optional<std::string_view> value() const noexcept {
    return null_ ? std::nullopt : std::optional<std::string_view>(text_);
  }
  [[nodiscard]] std::string as_string() const;  // ETYPE on NULL
  [[nodiscard]] std::int64_t as_int64() const;  // a decimal integer in the int64 range (int2/4/8, oid, ...)
  [[nodiscard]] double as_double() const;       // float4/8, numeric, integers; NaN, Infinity, -Infinity
  [[nodiscard]] bool as_bool() const;           // 't' / 'f' (and true/false)
  // The same, with NULL as nullopt (still ETYPE on a malformed value).
  [[nodiscard]] std::optional<std::int64_t> as_optional_int64() const;
  [[nodiscard]] std::optional<double> as_optional_double() const;
  [[nodiscard]] std::optional<bool> as_optional_bool() const;
  [[nodiscard]] std::uint32_t type_oid() const noexcept { return type_oid_; }

 private:
  friend class Result;
  Field(std::string_view text, bool null, std::uint32_t type_oid) noexcept
      : text_(text), null_(null), type_oid_(type_oid) {}
  std::string_view text_;
  bool null_ = true;
  std::uint32_t type_oid_ = 0;
};

class Row {
 public:
  [[nodiscard]] std::size_t size() const noexcept;
  Field operator[](std::size_t column) const;            // EINVAL when out of range
  Field operator[](std::string_view column_name) const;  // the first column of that name; EINVAL when none

 private:
  friend class Result;
  Row(const Result* result, std::size_t index) noexcept : result_(result), index_(index) {}
  const Result* result_;
  std::size_t index_;
};

class Result {
 public:
  Result() = default;

  [[nodiscard]] std::size_t size() const noexcept { return rows_; }  // rows
  [[nodiscard]] bool empty() const noexcept { return rows_ == 0; }
  [[nodiscard]] std::size_t columns() const noexcept { return columns_.size(); }
  [[nodiscard]] const std::vector<Column>& fields() const noexcept { return columns_; }
  // The index of the first column of that name, or nullopt.
  [[nodiscard]] std::optional<std::size_t> column_index(std::string_view name) const noexcept;

  Row operator[](std::size_t row) const;  // EINVAL when out of range
  Field at(std::size_t row, std::size_t column) const;

  // The command tag ("SELECT 3", "INSERT 0 1", "BEGIN"), its first word, and the count it carries (0 if none).
  [[nodiscard]] const std::string& command_tag() const noexcept { return tag_; }
  [[nodiscard]] std::string command() const;
  [[nodiscard]] std::int64_t rows_affected() const noexcept { return affected_; }

  class const_iterator {
   public:
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    const_iterator() = default;
    Row operator*() const { return Row(result_, index_); }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) {
      auto copy = *this;
      ++index_;
      return copy;
    }
    bool operator==(const const_iterator& other) const = default;

   private:
    friend class Result;
    const_iterator(const Result* result, std::size_t index) : result_(result), index_(index) {}
    const Result* result_ = nullptr;
    std::size_t index_ = 0;
  };
  [[nodiscard]] const_iterator begin() const noexcept { return {this, 0}; }
  [[nodiscard]] const_iterator end() const noexcept { return {this, rows_}; }

 private:
  friend class Row;
  friend class detail::ResultBuilder;
  struct Cell {
    std::size_t offset = 0;
    std::int64_t length = -1;  // -1: NULL
  };
  Field field(std::size_t row, std::size_t column) const noexcept;

  std::vector<Column> columns_;
  std::string data_;         // every value's text, back to back
  std::vector<Cell> cells_;  // rows_ * columns_.size(), row by row
  std::size_t rows_ = 0;
  std::string tag_;
  std::int64_t affected_ = 0;
};

}  // namespace edgepg
