#include "wasm_connection.hpp"

#include <array>
#include <cstring>
#include <string_view>

#include "lists.hpp"
#include "tape_buffer.hpp"
#include "util/hex.hpp"

namespace edgepg::bindings {
namespace {

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

// 64 lowercase hex digits, as keyString wrote them (util::hex_lower): uppercase is refused, as it always was.
bool decode_hex(std::string_view hex, std::array<std::uint8_t, 32>& out) {
  if (hex.find_first_not_of("0123456789abcdef") != std::string_view::npos) return false;
  return util::hex_decode(hex, out);
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

int WasmConnection::add_startup_parameter(const std::string& name, const std::string& value) {
  return finish(conn_.add_startup_parameter(name, value));
}

int WasmConnection::set_auth_policy(const std::string& require_auth, double scram_max_iterations) {
  pg::AuthPolicy policy;
  if (auto s = pg::parse_require_auth(require_auth, policy); !s) return finish(std::move(s));
  if (!(scram_max_iterations >= 1 && scram_max_iterations <= 4294967295.0)) {
    return finish(Status(ErrorCode::invalid_argument, "scramMaxIterations must be a whole number from 1 to 2^32-1"));
  }
  return finish(conn_.configure_auth(policy, static_cast<std::uint32_t>(scram_max_iterations)));
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
    s = Status(ErrorCode::protocol, "server sent a malformed DataRow message");
  }
  return finish(std::move(s));
}

int WasmConnection::query(std::uint32_t length, bool raw) {
  tape_.reset();
  auto s = conn_.query(std::string_view(reinterpret_cast<const char*>(request_.data()), length));
  if (s.ok()) tape_.expect_query(raw);
  return finish(std::move(s));
}

int WasmConnection::query_params(std::uint32_t length, bool raw) {
  tape_.reset();
  const std::uint8_t* p = request_.data();
  const std::uint8_t* end = p + length;
  auto bad = [this] { return finish(Status(ErrorCode::invalid_argument, "malformed parameter buffer")); };
  const auto take_string = [&](std::string_view& out) {
    if (end - p < 4) return false;
    const auto len = read_u32le(p);
    p += 4;
    if (static_cast<std::size_t>(end - p) < len) return false;
    out = std::string_view(reinterpret_cast<const char*>(p), len);
    p += len;
    return true;
  };
  pg::ExtendedQuery q;
  if (!take_string(q.sql) || !take_string(q.statement) || end - p < 8) return bad();
  q.parse = (read_u32le(p) & 1u) != 0;
  const auto count = read_u32le(p + 4);
  p += 8;
  params_.clear();
  formats_.clear();
  bool binary = false;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (end - p < 5) return bad();
    const auto len = static_cast<std::int32_t>(read_u32le(p));
    const std::int16_t format = p[4];
    p += 5;
    formats_.push_back(format);
    binary = binary || format != 0;
    if (len < 0) {
      params_.emplace_back(std::nullopt);
      continue;
    }
    if (end - p < len) return bad();
    params_.emplace_back(std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(len)));
    p += len;
  }
  q.params = params_;
  if (binary) q.param_formats = formats_;  // all text: Bind says so with a single zero count
  auto s = conn_.query_extended(q);
  if (s.ok()) tape_.expect_query(raw);
  return finish(std::move(s));
}

void WasmConnection::set_raw_types(std::uint32_t count) {
  std::vector<std::uint32_t> oids(count);
  if (count > 0) std::memcpy(oids.data(), request_.data(), count * sizeof(std::uint32_t));
  tape_.set_raw_types(std::move(oids));
}

std::string WasmConnection::scram_keys() const {
  const auto& k = conn_.scram_keys();
  if (!k) return {};
  return k->second.first + "\n" + std::to_string(k->second.second) + "\n" + util::hex_lower(k->first.client_key) +
         util::hex_lower(k->first.server_key);
}

int WasmConnection::use_scram_keys(const std::string& keys) {
  const auto parts = split_lines(keys);
  auth::ScramKeys k;
  std::uint32_t iterations = 0;
  const bool ok = parts.size() == 3 && parts[2].size() == 128 && decode_hex(parts[2].substr(0, 64), k.client_key) &&
                  decode_hex(parts[2].substr(64), k.server_key) && !parts[1].empty() && parts[1].size() <= 9 &&
                  parts[1].find_first_not_of("0123456789") == std::string::npos;
  if (!ok) return static_cast<int>(ErrorCode::invalid_argument);
  for (char c : parts[1]) iterations = iterations * 10 + static_cast<std::uint32_t>(c - '0');
  conn_.use_scram_keys(k, parts[0], iterations);
  return 0;
}

std::uint32_t WasmConnection::cancel_request() {
  const auto key = conn_.backend_key_data();
  if (!key) return 0;
  cancel_.clear();
  cancel_.cancel_request(key->process_id, key->secret_key);
  return address_of(cancel_.data().data());
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
