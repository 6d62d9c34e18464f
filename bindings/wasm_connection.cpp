#include "wasm_connection.hpp"

#include <cstring>
#include <string_view>

namespace edgepg::bindings {
namespace {

std::uint32_t address_of(const void* p) { return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p)); }

pg::ConnectionOptions make_options(const std::string& user, const std::string& database,
                                   const std::string& application_name, const std::string& nonce,
                                   double max_message_size) {
  pg::ConnectionOptions o;
  o.user = user;
  o.database = database;
  o.application_name = application_name;
  o.scram_nonce = nonce;
  if (max_message_size > 0) o.max_message_size = static_cast<std::size_t>(max_message_size);
  return o;
}

std::uint32_t read_u32le(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

WasmConnection::WasmConnection(const std::string& user, const std::string& database,
                               const std::string& application_name, const std::string& scram_nonce,
                               double max_message_size)
    : conn_(make_options(user, database, application_name, scram_nonce, max_message_size), tape_) {}

std::uint32_t WasmConnection::request_buffer(std::uint32_t size) {
  if (request_.size() < size) request_.resize(size);
  return address_of(request_.data());
}

int WasmConnection::finish(Status s) {
  tape_.seal();
  const auto out = conn_.output();
  header_[0] = address_of(out.data());
  header_[1] = static_cast<std::uint32_t>(out.size());
  header_[2] = address_of(tape_.words().data());
  header_[3] = static_cast<std::uint32_t>(tape_.words().size());
  header_[4] = address_of(tape_.numbers().data());
  header_[5] = static_cast<std::uint32_t>(s.code());
  header_[6] = static_cast<std::uint32_t>(conn_.phase());
  header_[7] = static_cast<std::uint32_t>(conn_.transaction_status());
  last_error_ = s.ok() ? std::string() : s.message();
  return static_cast<int>(s.code());
}

int WasmConnection::start() {
  tape_.reset();
  return finish(conn_.start());
}

int WasmConnection::provide_password(std::uint32_t length) {
  tape_.reset();
  std::string password(reinterpret_cast<const char*>(request_.data()), length);
  volatile std::uint8_t* p = request_.data();
  for (std::uint32_t i = 0; i < length; ++i) p[i] = 0;
  return finish(conn_.provide_password(std::move(password)));
}

int WasmConnection::receive(std::uint32_t length) {
  tape_.reset();
  auto s = conn_.receive(pg::Bytes(request_.data(), length));
  if (s.ok() && tape_.row_error()) {
    conn_.mark_closed();
    s = Status(Errc::protocol, "server sent a malformed DataRow message");
  }
  return finish(std::move(s));
}

int WasmConnection::query(std::uint32_t length) {
  tape_.reset();
  return finish(conn_.query(std::string_view(reinterpret_cast<const char*>(request_.data()), length)));
}

int WasmConnection::query_params(std::uint32_t length) {
  tape_.reset();
  const std::uint8_t* p = request_.data();
  const std::uint8_t* end = p + length;
  auto bad = [this] { return finish(Status(Errc::invalid_argument, "malformed parameter buffer")); };
  if (end - p < 4) return bad();
  const auto sql_len = read_u32le(p);
  p += 4;
  if (static_cast<std::size_t>(end - p) < sql_len + 4u) return bad();
  const std::string_view sql(reinterpret_cast<const char*>(p), sql_len);
  p += sql_len;
  const auto count = read_u32le(p);
  p += 4;
  params_.clear();
  for (std::uint32_t i = 0; i < count; ++i) {
    if (end - p < 4) return bad();
    const auto len = static_cast<std::int32_t>(read_u32le(p));
    p += 4;
    if (len < 0) {
      params_.emplace_back(std::nullopt);
      continue;
    }
    if (end - p < len) return bad();
    params_.emplace_back(std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(len)));
    p += len;
  }
  return finish(conn_.query_params(sql, params_));
}

void WasmConnection::set_raw_types(std::uint32_t count) {
  std::vector<std::uint32_t> oids(count);
  if (count > 0) std::memcpy(oids.data(), request_.data(), count * sizeof(std::uint32_t));
  tape_.set_raw_types(std::move(oids));
}

void WasmConnection::terminate() {
  tape_.reset();
  conn_.terminate();
  (void)finish({});
}

void WasmConnection::mark_closed() {
  conn_.mark_closed();
  (void)finish({});
}

void WasmConnection::clear_output() {
  conn_.clear_output();
  header_[1] = 0;
}

}  // namespace edgepg::bindings
