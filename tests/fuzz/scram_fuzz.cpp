// libFuzzer target: SCRAM-SHA-256 server-first and server-final parsing (ScramClient), as a hostile server would
// drive it. Keys are cached for the seed's salt and iteration count so the common path runs no PBKDF2; inputs that
// ask for more than 4096 iterations are skipped (one would take seconds), the bound itself being a unit test.
// Secret-leak oracle (fuzz_util.hpp): no message and no client-final holds the password or the cached ClientKey /
// ServerKey (planted, random), unless the server's own bytes spelled that piece out.
// The same bytes also go through SASLprep (no crash, no sanitizer report) and, read as code points, through NFKC,
// which must be idempotent (UAX #15: NFKC(NFKC(x)) == NFKC(x)).
#include <algorithm>
#include <charconv>
#include <iterator>
#include <string>
#include <string_view>

#include "auth/nfkc.hpp"
#include "edgepg/auth/scram_client.hpp"
#include "fuzz_util.hpp"

using namespace edgepg;
using namespace edgepg::auth;

namespace {

namespace planted = edgepg::fuzz::planted;
constexpr std::string_view kNonce = "fyko+d2lbbFgONRv9qkxdawL";
constexpr std::string_view kSaltB64 = "W22ZaJ0SNY7soEsUEjb6gQ==";

// The iteration count handle_server_first would read: the value of the first "i=" attribute (as scram_client.cpp
// finds it, part by part).
bool too_many_iterations(std::string_view msg) {
  std::size_t pos = 0;
  while (pos <= msg.size()) {
    const auto comma = msg.find(',', pos);
    const auto part = msg.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (part.size() >= 2 && part[0] == 'i' && part[1] == '=') {
      std::uint64_t v = 0;
      const auto [p, ec] = std::from_chars(part.data() + 2, part.data() + part.size(), v);
      return ec != std::errc() ? ec == std::errc::result_out_of_range : v > 4096;
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

void check_no_leak(std::string_view text, std::string_view input) {
  fuzz::check_no_leak(text, input,
                      {{"password", &planted::password()},
                       {"ClientKey", &planted::client_key()},
                       {"ServerKey", &planted::server_key()}},
                      &planted::scram_secrets());
}

void check_saslprep(const std::uint8_t* data, std::size_t size) {
  (void)saslprep_password(std::string_view(reinterpret_cast<const char*>(data), size));
  std::u32string cps;
  for (std::size_t i = 0; i + 3 <= size; i += 3) {
    const char32_t c = ((char32_t{data[i]} << 16) | (char32_t{data[i + 1]} << 8) | data[i + 2]) % 0x110000;
    if (c < 0xD800 || c > 0xDFFF) cps += c;
  }
  const std::u32string once = nfkc(cps);
  EDGEPG_FUZZ_CHECK(nfkc(once) == once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_saslprep(data, size);
  FuzzedDataProvider fdp(data, size);
  const bool cached = fdp.ConsumeBool();
  const bool prefix_nonce = fdp.ConsumeBool();  // most servers' messages start with r=<our nonce>...
  std::string first = fdp.ConsumeRandomLengthString(512);
  if (prefix_nonce) first = "r=" + std::string(kNonce) + first;
  const fuzz::ExactText server_first(first);
  const fuzz::ExactText server_final(fdp.ConsumeRemainingBytesAsString());
  if (too_many_iterations(server_first.view())) return -1;

  ScramClient c{planted::password().raw(), std::string(kNonce)};
  if (cached) {
    ScramKeys keys;
    std::copy(std::begin(planted::kClientKey), std::end(planted::kClientKey), keys.client_key.begin());
    std::copy(std::begin(planted::kServerKey), std::end(planted::kServerKey), keys.server_key.begin());
    c.use_cached_keys(keys, kSaltB64, 4096);
  }
  const std::string client_first = c.client_first();
  EDGEPG_FUZZ_CHECK(client_first == "n,,n=,r=" + std::string(kNonce));
  // Out of order: final before first.
  EDGEPG_FUZZ_CHECK(c.verify_server_final(server_final.view()).code() == ErrorCode::invalid_state);

  std::string client_final;
  const Status s1 = c.handle_server_first(server_first.view(), client_final);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!s1.ok()) {
    EDGEPG_FUZZ_CHECK(s1.code() == ErrorCode::auth);
    check_no_leak(s1.message(), input);
    return 0;
  }
  // Accepted: the nonce extends ours, the proof is there, and the password is not.
  EDGEPG_FUZZ_CHECK(client_final.rfind("c=biws,r=" + std::string(kNonce), 0) == 0);
  EDGEPG_FUZZ_CHECK(contains(client_final, ",p="));
  EDGEPG_FUZZ_CHECK(c.iterations() >= 1 && c.iterations() <= scram_default_max_iterations);
  check_no_leak(client_final, input);
  std::string again;
  EDGEPG_FUZZ_CHECK(c.handle_server_first(server_first.view(), again).code() == ErrorCode::invalid_state);

  const Status s2 = c.verify_server_final(server_final.view());
  // A server that does not know the keys cannot forge the signature: acceptance would mean a broken check.
  EDGEPG_FUZZ_CHECK(!s2.ok());
  EDGEPG_FUZZ_CHECK(s2.code() == ErrorCode::auth);
  check_no_leak(s2.message(), input);
  return 0;
}
