#include "edgepg/client/result.hpp"

#include <charconv>

#include "edgepg/error.hpp"
#include "result_builder.hpp"

namespace edgepg {
namespace {

[[noreturn]] void type_error(const char* want, std::string_view text, bool null) {
  if (null) throw Error(ErrorCode::type_mismatch, std::string("the value is NULL, not ") + want);
  constexpr std::size_t shown = 40;
  throw Error(ErrorCode::type_mismatch, std::string("the value \"") + std::string(text.substr(0, shown)) +
                                            (text.size() > shown ? "..." : "") + "\" is not " + want);
}

}  // namespace

std::string Field::as_string() const {
  if (null_) type_error("a string", text_, true);
  return std::string(text_);
}

std::int64_t Field::as_int64() const {
  if (null_) type_error("an integer", text_, true);
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (text_.empty() || ec != std::errc() || p != text_.data() + text_.size())
    type_error("a 64-bit integer", text_, false);
  return v;
}

double Field::as_double() const {
  if (null_) type_error("a number", text_, true);
  double v = 0;
  const auto [p, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (text_.empty() || ec != std::errc() || p != text_.data() + text_.size()) type_error("a number", text_, false);
  return v;
}

bool Field::as_bool() const {
  if (null_) type_error("a boolean", text_, true);
  if (text_ == "t" || text_ == "true") return true;
  if (text_ == "f" || text_ == "false") return false;
  type_error("a boolean", text_, false);
}

std::optional<std::int64_t> Field::as_optional_int64() const {
  return null_ ? std::nullopt : std::optional<std::int64_t>(as_int64());
}
std::optional<double> Field::as_optional_double() const {
  return null_ ? std::nullopt : std::optional<double>(as_double());
}
std::optional<bool> Field::as_optional_bool() const { return null_ ? std::nullopt : std::optional<bool>(as_bool()); }

std::size_t Row::size() const noexcept { return result_->columns(); }

Field Row::operator[](std::size_t column) const {
  if (column >= result_->columns()) {
    throw Error(ErrorCode::invalid_argument, "column " + std::to_string(column) + " is out of range (the result has " +
                                                 std::to_string(result_->columns()) + ")");
  }
  return result_->field(index_, column);
}

Field Row::operator[](std::string_view column_name) const {
  const auto index = result_->column_index(column_name);
  if (!index) throw Error(ErrorCode::invalid_argument, "the result has no column \"" + std::string(column_name) + "\"");
  return result_->field(index_, *index);
}

std::optional<std::size_t> Result::column_index(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  return std::nullopt;
}

Row Result::operator[](std::size_t row) const {
  if (row >= rows_) {
    throw Error(ErrorCode::invalid_argument,
                "row " + std::to_string(row) + " is out of range (the result has " + std::to_string(rows_) + ")");
  }
  return Row(this, row);
}

Field Result::at(std::size_t row, std::size_t column) const { return (*this)[row][column]; }

Field Result::field(std::size_t row, std::size_t column) const noexcept {
  const Cell& c = cells_[row * columns_.size() + column];
  if (c.length < 0) return Field({}, true, columns_[column].type_oid);
  return Field(std::string_view(data_).substr(c.offset, static_cast<std::size_t>(c.length)), false,
               columns_[column].type_oid);
}

std::string Result::command() const { return tag_.substr(0, tag_.find(' ')); }

namespace detail {

void ResultBuilder::describe(const std::vector<pg::FieldDescription>& fields) {
  reset();
  described_ = true;
  r_.columns_.reserve(fields.size());
  for (const auto& f : fields) r_.columns_.push_back(Column{f.name, f.type_oid});
}

Status ResultBuilder::add_row(pg::Bytes body) {
  pg::DataRowReader reader;
  if (auto s = pg::DataRowReader::open(body, reader); !s) return s;
  const std::size_t width = r_.columns_.size();
  if (!described_ || reader.columns() != width) {
    return Status(ErrorCode::protocol, "server sent a row whose width differs from its row description");
  }
  std::optional<pg::Bytes> cell;
  for (std::size_t i = 0; i < width; ++i) {
    if (auto s = reader.next(cell); !s) return s;
    if (!cell) {
      r_.cells_.push_back(Result::Cell{0, -1});
      continue;
    }
    r_.cells_.push_back(Result::Cell{r_.data_.size(), static_cast<std::int64_t>(cell->size())});
    r_.data_.append(reinterpret_cast<const char*>(cell->data()), cell->size());
  }
  ++r_.rows_;
  return {};
}

void ResultBuilder::complete(const pg::CommandComplete& complete) {
  if (!described_) reset();
  described_ = false;
  r_.tag_ = complete.tag;
  r_.affected_ = complete.rows.value_or(0);
}

void ResultBuilder::empty_query() { reset(); }

void ResultBuilder::reset() {
  r_ = Result();
  described_ = false;
}

Result ResultBuilder::take() {
  Result out = std::move(r_);
  reset();
  return out;
}

}  // namespace detail
}  // namespace edgepg
