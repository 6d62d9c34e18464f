#include "edgepg/pg/frontend.hpp"

#include <cstring>

namespace edgepg::pg {

std::size_t FrontendWriter::begin(char type) {
  if (type != 0) buf_.push_back(static_cast<std::uint8_t>(type));
  const std::size_t at = buf_.size();
  buf_.insert(buf_.end(), 4, 0);
  return at;
}

void FrontendWriter::end(std::size_t length_at) {
  const auto len = static_cast<std::uint32_t>(buf_.size() - length_at);
  buf_[length_at] = static_cast<std::uint8_t>(len >> 24);
  buf_[length_at + 1] = static_cast<std::uint8_t>(len >> 16);
  buf_[length_at + 2] = static_cast<std::uint8_t>(len >> 8);
  buf_[length_at + 3] = static_cast<std::uint8_t>(len);
}

void FrontendWriter::put_i16(std::int16_t v) {
  const auto u = static_cast<std::uint16_t>(v);
  buf_.push_back(static_cast<std::uint8_t>(u >> 8));
  buf_.push_back(static_cast<std::uint8_t>(u));
}

void FrontendWriter::put_i32(std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  buf_.push_back(static_cast<std::uint8_t>(u >> 24));
  buf_.push_back(static_cast<std::uint8_t>(u >> 16));
  buf_.push_back(static_cast<std::uint8_t>(u >> 8));
  buf_.push_back(static_cast<std::uint8_t>(u));
}

void FrontendWriter::startup(std::span<const std::pair<std::string, std::string>> params) {
  const auto at = begin(0);
  put_i32(196608);  // protocol 3.0
  for (const auto& [k, v] : params) {
    put_cstr(k);
    put_cstr(v);
  }
  put_u8(0);
  end(at);
}

void FrontendWriter::ssl_request() {
  const auto at = begin(0);
  put_i32(80877103);
  end(at);
}

void FrontendWriter::cancel_request(std::int32_t process_id, std::int32_t secret_key) {
  const auto at = begin(0);
  put_i32(80877102);
  put_i32(process_id);
  put_i32(secret_key);
  end(at);
}

void FrontendWriter::password(std::string_view password) {
  const auto at = begin('p');
  put_cstr(password);
  end(at);
}

void FrontendWriter::sasl_initial_response(std::string_view mechanism, std::string_view data) {
  const auto at = begin('p');
  put_cstr(mechanism);
  put_i32(static_cast<std::int32_t>(data.size()));
  put_bytes(data);
  end(at);
}

void FrontendWriter::sasl_response(std::string_view data) {
  const auto at = begin('p');
  put_bytes(data);
  end(at);
}

void FrontendWriter::query(std::string_view sql) {
  const auto at = begin('Q');
  put_cstr(sql);
  end(at);
}

void FrontendWriter::parse(std::string_view statement, std::string_view sql,
                           std::span<const std::uint32_t> param_types) {
  const auto at = begin('P');
  put_cstr(statement);
  put_cstr(sql);
  put_i16(static_cast<std::int16_t>(param_types.size()));
  for (auto oid : param_types) put_i32(static_cast<std::int32_t>(oid));
  end(at);
}

void FrontendWriter::bind(std::string_view portal, std::string_view statement, std::span<const Param> params,
                          std::span<const std::int16_t> param_formats) {
  const auto at = begin('B');
  put_cstr(portal);
  put_cstr(statement);
  put_i16(static_cast<std::int16_t>(param_formats.size()));  // 0: all parameters in text format
  for (const auto f : param_formats) put_i16(f);
  put_i16(static_cast<std::int16_t>(params.size()));
  for (const auto& p : params) {
    if (!p) {
      put_i32(-1);
    } else {
      put_i32(static_cast<std::int32_t>(p->size()));
      put_bytes(*p);
    }
  }
  put_i16(0);  // all results in text format
  end(at);
}

void FrontendWriter::describe(char kind, std::string_view name) {
  const auto at = begin('D');
  put_u8(static_cast<std::uint8_t>(kind));
  put_cstr(name);
  end(at);
}

void FrontendWriter::execute(std::string_view portal, std::int32_t max_rows) {
  const auto at = begin('E');
  put_cstr(portal);
  put_i32(max_rows);
  end(at);
}

void FrontendWriter::close(char kind, std::string_view name) {
  const auto at = begin('C');
  put_u8(static_cast<std::uint8_t>(kind));
  put_cstr(name);
  end(at);
}

void FrontendWriter::sync() { end(begin('S')); }
void FrontendWriter::flush() { end(begin('H')); }
void FrontendWriter::terminate() { end(begin('X')); }

void FrontendWriter::wipe() noexcept {
  if (!buf_.empty()) {
    volatile std::uint8_t* p = buf_.data();
    for (std::size_t i = 0; i < buf_.size(); ++i) p[i] = 0;
  }
  buf_.clear();
  buf_.shrink_to_fit();
}

}  // namespace edgepg::pg
