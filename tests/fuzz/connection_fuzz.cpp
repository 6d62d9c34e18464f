// libFuzzer target: a pg::Connection fed arbitrary server bytes, with the JS boundary's EventTape as its sink (the
// sink the wasm build uses, so every DataRow goes through the text-format type decoders too). Either past a trust
// login (what a hostile server or proxy can send to a live session, interleaved with queries), or from the very
// start (the login exchange: cleartext, MD5, SASL/SCRAM with cached keys so no PBKDF2 runs). Secret-leak oracle
// (fuzz_util.hpp): no error message holds the password or the cached SCRAM keys (planted, random), unless the
// server's own bytes spelled that piece out.
#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/pg/connection.hpp"
#include "event_tape.hpp"
#include "fuzz_util.hpp"

using namespace edgepg;
using namespace edgepg::pg;
using edgepg::fuzz::exact_copy;

namespace {

namespace planted = edgepg::fuzz::planted;
const std::string kSaltB64 = "W22ZaJ0SNY7soEsUEjb6gQ==";

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string msg(char type, const std::string& body) {
  return std::string(1, type) + be32(static_cast<std::uint32_t>(body.size() + 4)) + body;
}

// A SCRAM iteration count above this would make one input run PBKDF2 for seconds: such inputs are skipped (the
// count's bound itself is covered by scram_fuzz and the unit tests).
bool asks_for_slow_pbkdf2(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  for (std::size_t at = s.find("i="); at != std::string_view::npos; at = s.find("i=", at + 1)) {
    std::size_t end = at + 2;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
    if (end - (at + 2) > 4) return true;
    std::uint32_t v = 0;
    std::from_chars(s.data() + at + 2, s.data() + end, v);
    if (v > 4096) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (asks_for_slow_pbkdf2(data, size)) return -1;  // not added to the corpus
  FuzzedDataProvider fdp(data, size);
  const bool from_start = fdp.ConsumeBool();
  const bool with_password = fdp.ConsumeBool();

  ConnectionOptions o;
  o.user = "alice";
  o.database = "db";
  o.scram_nonce = "fyko+d2lbbFgONRv9qkxdawL";
  o.max_message_size = fdp.ConsumeBool() ? 1024 : default_max_message_size;
  bindings::EventTape tape;
  Connection c(o, tape);
  if (with_password) (void)c.provide_password(planted::password().raw());
  auth::ScramKeys keys;
  std::copy(std::begin(planted::kClientKey), std::end(planted::kClientKey), keys.client_key.begin());
  std::copy(std::begin(planted::kServerKey), std::end(planted::kServerKey), keys.server_key.begin());
  c.use_scram_keys(keys, kSaltB64, 4096);
  EDGEPG_FUZZ_CHECK(c.start().ok());
  c.clear_output();

  if (!from_start) {
    // A trust login: AuthenticationOk, a parameter, ReadyForQuery.
    const std::string login = msg('R', be32(0)) +
                              msg('S', std::string("server_version\0"
                                                   "15.0\0",
                                                   20)) +
                              msg('Z', "I");
    EDGEPG_FUZZ_CHECK(c.receive(fuzz::bytes_of(login)).ok());
    EDGEPG_FUZZ_CHECK(c.phase() == Phase::ready);
    tape.reset();
  }
  while (fdp.remaining_bytes() > 0) {
    switch (fdp.ConsumeIntegralInRange<int>(0, 7)) {
      case 0: {
        const std::string sql = fdp.ConsumeRandomLengthString(32);
        (void)c.query(sql);
        break;
      }
      case 1: {
        const std::string sql = fdp.ConsumeRandomLengthString(32);
        std::vector<std::string> values;
        std::vector<Param> params;
        const int n = fdp.ConsumeIntegralInRange<int>(0, 3);
        values.reserve(3);
        for (int i = 0; i < n; ++i) {
          if (fdp.ConsumeBool()) {
            params.emplace_back(std::nullopt);
          } else {
            values.push_back(fdp.ConsumeRandomLengthString(16));
            params.emplace_back(values.back());
          }
        }
        (void)c.query_params(sql, params);
        break;
      }
      case 2: {
        std::vector<std::uint32_t> oids;
        for (int i = fdp.ConsumeIntegralInRange<int>(0, 3); i > 0; --i)
          oids.push_back(fdp.ConsumeIntegral<std::uint16_t>());
        tape.set_raw_types(oids);
        break;
      }
      case 3:
        if (fdp.ConsumeBool()) (void)c.provide_password(fdp.ConsumeRandomLengthString(16));
        break;
      default: {
        // Server bytes, in one exactly-sized chunk as a socket would hand them over.
        const auto chunk = exact_copy(fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(1, 512)));
        tape.reset();
        const Status s = c.receive(chunk);
        tape.seal();
        if (!s.ok()) {
          EDGEPG_FUZZ_CHECK(s.code() != ErrorCode::ok);
          EDGEPG_FUZZ_CHECK(!s.message().empty());
          EDGEPG_FUZZ_CHECK(c.phase() == Phase::failed || c.phase() == Phase::closed);
          // No secret leaks into a message (unless the server itself sent those bytes).
          const std::string_view input(reinterpret_cast<const char*>(data), size);
          fuzz::check_no_leak(s.message(), input,
                              {{"password", &planted::password()},
                               {"ClientKey", &planted::client_key()},
                               {"ServerKey", &planted::server_key()}},
                              &planted::scram_secrets());
          EDGEPG_FUZZ_CHECK(!c.receive(chunk).ok());  // stays closed
        }
        break;
      }
    }
    c.clear_output();
  }
  c.terminate();
  return 0;
}
