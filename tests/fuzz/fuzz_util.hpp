// Helpers shared by the libFuzzer targets of tests/fuzz (built and run by scripts/fuzz), and the secret-leak oracle
// they use (exercised on its own by tests/fuzz/regression_test.cpp).
#pragma once

#include <fuzzer/FuzzedDataProvider.h>
#include <sanitizer/asan_interface.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace edgepg::fuzz {

using Bytes = std::span<const std::uint8_t>;

inline Bytes bytes_of(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
inline std::string_view text_of(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// A contract the code under test broke: abort, so libFuzzer records the input as a crash.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}
#define EDGEPG_FUZZ_CHECK(cond)                 \
  do {                                          \
    if (!(cond)) ::edgepg::fuzz::broken(#cond); \
  } while (0)

// Splits `data` into chunks whose sizes the provider picks (1..max), so decoders see any chunking of a stream.
inline std::vector<Bytes> chunks(FuzzedDataProvider& fdp, Bytes data, std::size_t max = 64) {
  std::vector<Bytes> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t n = fdp.ConsumeIntegralInRange<std::size_t>(1, max);
    if (n > data.size() - pos) n = data.size() - pos;
    out.push_back(data.subspan(pos, n));
    pos += n;
  }
  return out;
}

// Reads past the end of a span would be caught by ASan only when the memory is heap-allocated at its exact size:
// copy inputs into a vector of their exact size before handing them over.
inline std::vector<std::uint8_t> exact_copy(Bytes b) { return {b.begin(), b.end()}; }
// The same for text: a heap block of exactly the text's size (std::string's inline buffer would hide overreads).
struct ExactText {
  std::vector<char> buf;
  explicit ExactText(std::string_view s) : buf(s.begin(), s.end()) {}
  [[nodiscard]] std::string_view view() const { return {buf.data(), buf.size()}; }
};

// The same for many chunks of one stream, without a heap block each (under ASan, an allocation is about as costly
// as the parsing it feeds): the chunks are laid out one after another in one block, each 8-aligned with a gap
// after it, and every byte of the block but the current chunk's is poisoned. A read before or past the chunk, or
// through a pointer kept into an earlier chunk, is reported (use-after-poison) as it would be with exact_copy.
class ChunkArena {
 public:
  // Room for chunks adding up to `total` bytes, at most `count` of them.
  ChunkArena(std::size_t total, std::size_t count) : buf_(kGap + total + (kGap + 8) * count) {
    ASAN_POISON_MEMORY_REGION(buf_.data(), buf_.size());
  }
  ~ChunkArena() { ASAN_UNPOISON_MEMORY_REGION(buf_.data(), buf_.size()); }
  ChunkArena(const ChunkArena&) = delete;
  ChunkArena& operator=(const ChunkArena&) = delete;

  // A copy of `chunk`, alone addressable; the previous chunk is poisoned again.
  Bytes place(Bytes chunk) {
    ASAN_POISON_MEMORY_REGION(buf_.data() + last_, last_size_);
    std::size_t at = (next_ + 7) & ~std::size_t{7};
    if (at + chunk.size() + kGap > buf_.size()) broken("ChunkArena: more bytes or chunks than it was sized for");
    ASAN_UNPOISON_MEMORY_REGION(buf_.data() + at, chunk.size());
    if (!chunk.empty()) std::memcpy(buf_.data() + at, chunk.data(), chunk.size());
    last_ = at;
    last_size_ = chunk.size();
    next_ = at + chunk.size() + kGap;
    return {buf_.data() + at, chunk.size()};
  }

 private:
  static constexpr std::size_t kGap = 8;
  std::vector<std::uint8_t> buf_;
  std::size_t next_ = kGap;
  std::size_t last_ = 0;
  std::size_t last_size_ = 0;
};

// ---- The secret-leak oracle ----
//
// A leak check must look for something only a leak can put into a message. Text the attacker chose (a token's
// parts, a server's bytes) is no good: a message template can hold it by chance. Issue #19: a junk token whose
// "signature" (the text after its dot) was "en is not a JWS compact serialisation " was refused with "the token is
// not a JWS compact serialisation (...)", and a check for "the message holds the token's signature" fired on a
// message that leaked nothing. So every leak check plants a secret the attacker does not know (an HMAC secret, key
// bytes, a signature the harness computed or appended, a claim value the harness substituted, a password) and
// looks for that secret, in each form code could print it in (raw, hex, base64, base64url).
//
// A message leaks a secret when it holds any kLeakWindow consecutive bytes of one of its forms (all of it when the
// form is shorter) that the attacker's own input does not hold: a server or a token that spelled the secret out
// itself learns nothing from an echo of it. Planted secrets are random, so a window of 12 bytes (72 bits or more
// in every form but hex, 48 there) never turns up in a message by chance.
inline constexpr std::size_t kLeakWindow = 12;

// The oracle's own code is kept out of coverage (no_sanitize("coverage")): its branches depend on the message text,
// and libFuzzer would otherwise count every new path through them as progress and keep inputs for it.
#define EDGEPG_FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))

namespace encode {
EDGEPG_FUZZ_NO_COVERAGE inline std::string hex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : raw) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}
// Unpadded: a padded form's windows are all in the unpadded one but the last.
EDGEPG_FUZZ_NO_COVERAGE inline std::string base64(std::string_view raw, bool url) {
  const char* alphabet = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const unsigned char c : raw) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
  return out;
}
EDGEPG_FUZZ_NO_COVERAGE inline std::string base64url_decode(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      break;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}
}  // namespace encode

class Secret {
 public:
  // `raw`: the secret's bytes; `text`: how the harness writes it, when that differs from `raw` (e.g. base64url).
  EDGEPG_FUZZ_NO_COVERAGE explicit Secret(std::string_view raw, std::string_view text = {}) {
    add(raw);
    if (!text.empty() && !(text.size() == raw.size() && holds(text, raw.data(), raw.size()))) {
      text_form_ = forms_.size();
      add(text);
    }
    add(encode::hex(raw));
    add(encode::base64(raw, false));
    add(encode::base64(raw, true));
    build();
  }
  // Several secrets at once (one look-up table), for the common case of a message that leaks none of them.
  EDGEPG_FUZZ_NO_COVERAGE explicit Secret(std::initializer_list<const Secret*> secrets) {
    for (const Secret* s : secrets) {
      for (const auto& f : s->forms_) add(f);
    }
    build();
  }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  // The secret as the harness writes it into what it builds, and its bytes.
  [[nodiscard]] const std::string& text() const { return forms_[text_form_]; }
  [[nodiscard]] const std::string& raw() const { return forms_[0]; }

  // The first window of the secret that `message` holds and `input` does not; empty when the message leaks none.
  [[nodiscard]] EDGEPG_FUZZ_NO_COVERAGE std::string_view leaked_in(std::string_view message,
                                                                   std::string_view input) const {
    for (std::size_t k = 0; k < widths_count_; ++k) {
      const std::size_t w = widths_[k];
      for (std::size_t i = 0; i + w <= message.size(); ++i) {
        if (find(key(message.data() + i, w)) && !holds(input, message.data() + i, w)) return message.substr(i, w);
      }
    }
    return {};
  }
  [[nodiscard]] bool leaks(std::string_view message, std::string_view input) const {
    return !leaked_in(message, input).empty();
  }

 private:
  struct Window {  // up to kLeakWindow bytes, exactly; w == 0: an empty slot
    std::uint64_t a = 0;
    std::uint32_t b = 0;
    std::uint32_t w = 0;
  };
  static_assert(kLeakWindow == 12, "Window holds 12 bytes");

  EDGEPG_FUZZ_NO_COVERAGE static Window key(const char* p, std::size_t w) {
    Window k;
    if (w == 12) {
      std::memcpy(&k.a, p, 8);
      std::memcpy(&k.b, p + 8, 4);
    } else {
      unsigned char buf[12] = {};
      std::memcpy(buf, p, w);
      std::memcpy(&k.a, buf, 8);
      std::memcpy(&k.b, buf + 8, 4);
    }
    k.w = static_cast<std::uint32_t>(w);
    return k;
  }
  EDGEPG_FUZZ_NO_COVERAGE std::size_t slot(const Window& k) const {
    std::uint64_t h = k.a * 0x9E3779B97F4A7C15ull ^ (std::uint64_t{k.b} << 32 | k.w) * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return static_cast<std::size_t>(h) & mask_;
  }
  EDGEPG_FUZZ_NO_COVERAGE bool find(const Window& k) const {
    for (std::size_t i = slot(k);; i = (i + 1) & mask_) {
      const Window& s = slots_[i];
      if (s.w == 0) return false;
      if (s.a == k.a && s.b == k.b && s.w == k.w) return true;
    }
  }
  EDGEPG_FUZZ_NO_COVERAGE static bool holds(std::string_view hay, const char* p, std::size_t w) {
    for (std::size_t i = 0; i + w <= hay.size(); ++i) {
      std::size_t j = 0;
      while (j < w && hay[i + j] == p[j]) ++j;
      if (j == w) return true;
    }
    return false;
  }
  EDGEPG_FUZZ_NO_COVERAGE void add(std::string_view form) {
    if (form.empty()) return;
    for (const auto& f : forms_) {
      if (f.size() == form.size() && holds(f, form.data(), form.size())) return;
    }
    forms_.emplace_back(form);
    const std::size_t w = std::min(kLeakWindow, form.size());
    for (std::size_t k = 0; k < widths_count_; ++k) {
      if (widths_[k] == w) return;
    }
    if (widths_count_ < kMaxWidths) widths_[widths_count_++] = w;
  }
  EDGEPG_FUZZ_NO_COVERAGE void build() {
    std::size_t count = 0;
    for (const auto& f : forms_) count += f.size() - std::min(kLeakWindow, f.size()) + 1;
    std::size_t size = 16;
    while (size < 2 * count) size *= 2;
    storage_.assign(size, Window{});
    slots_ = storage_.data();
    mask_ = size - 1;
    for (const auto& f : forms_) {
      const std::size_t w = std::min(kLeakWindow, f.size());
      for (std::size_t i = 0; i + w <= f.size(); ++i) {
        const Window k = key(f.data() + i, w);
        for (std::size_t j = slot(k);; j = (j + 1) & mask_) {
          Window& s = slots_[j];
          if (s.w == 0) {
            s = k;
            break;
          }
          if (s.a == k.a && s.b == k.b && s.w == k.w) break;
        }
      }
    }
  }

  static constexpr std::size_t kMaxWidths = 8;
  std::vector<std::string> forms_;
  std::size_t text_form_ = 0;
  std::size_t widths_[kMaxWidths] = {};
  std::size_t widths_count_ = 0;
  std::vector<Window> storage_;
  Window* slots_ = nullptr;
  std::size_t mask_ = 0;
};

// The secrets the targets plant. Random strings, generated once for these tests; nothing else knows them.
namespace planted {
// jwt: the HMAC secret tokens are signed with (verify_jwt_hmac), as its bytes.
inline const Secret& hmac_secret() {
  static const Secret s("shk7Sy0c2Dl1z9Ue3PtksdZWgbzcnk78aHp0-SK0");
  return s;
}
// jwt: signatures the harness appends to junk tokens: 64 bytes (ES256, EdDSA) and 256 bytes (RS256, PS256).
inline const Secret& signature64() {
  static constexpr std::string_view kText =
      "9bsJkLK6zecDWyhCEPx8_pgWAE3dlAOGD6YlRCj2-s1WpE0BaiHbuSjyQxJZx4vn_eFgtnTgh3FvpQsWhG_0Gg";
  static const Secret s(encode::base64url_decode(kText), kText);
  return s;
}
inline const Secret& signature256() {
  static constexpr std::string_view kText =
      "TPG1rtjkOkKeheyekWdtcPo5607bdPJ8oOt9zWqgcj06CbsLk_kmxv08Hpp0KckDL5NsVhjyllQhqYTVgxgPtLmXq0mV09JLKAGxrdtwnHyFd"
      "Fp6ISFdO2tZ3E1rYP8G0gEjaKL_4JqSQ26SQHXMwNoFo2iWCqXEzM1Q0g19zfXPkjvfr0ZOba25Yvacoe4Rh4dcb_Ocx3H2z6vGytGy8khc"
      "DF76NxdxdELO_XjBqOukeloMOUnAI3ZgzQqKikGx6v4KLiHHk0IeDbrBtmzs5sseklsauApbavBJxQT3sO0i2Ya9Cba8ZIyPu4GZr2sXsbz"
      "VYWS2bt3AWD1ECFjSmg";
  static const Secret s(encode::base64url_decode(kText), kText);
  return s;
}
// jwt: a JSON string value the harness substitutes for the fuzzer's "@" in value position (a claim value, a header
// member's value, a JWK's private member); base64url characters only, so it needs no JSON escaping.
inline const Secret& json_value() {
  static const Secret s("smzY8GeaCJmn0PHa-umaI946");
  return s;
}
// jwt: an oct JWK's "k" (and an RSA/EC JWK's private members) the harness substitutes the same way.
inline const Secret& jwk_key() {
  static constexpr std::string_view kText = "7Vynkeq0o4di8h2LiQJi82d9wKh31nPxYKIwrMhr09g";
  static const Secret s(encode::base64url_decode(kText), kText);
  return s;
}
// scram, connection: the password, and the SCRAM ClientKey/ServerKey handed over as cached keys.
inline const Secret& password() {
  static const Secret s("pencil-Zq8#u1");
  return s;
}
inline constexpr std::uint8_t kClientKey[32] = {0x14, 0x30, 0xa2, 0xdd, 0x87, 0xd4, 0x9d, 0xd5, 0x5c, 0xb3, 0x53,
                                                0x9e, 0x7f, 0x85, 0xd2, 0xbb, 0xe3, 0x4c, 0x30, 0xa4, 0x4e, 0x04,
                                                0x86, 0xa2, 0xd6, 0xb9, 0xbb, 0xa3, 0x4c, 0x17, 0xbf, 0x10};
inline constexpr std::uint8_t kServerKey[32] = {0xfa, 0x5f, 0x37, 0x7e, 0x83, 0x77, 0x2b, 0xdb, 0x5a, 0x0a, 0xf1,
                                                0x5f, 0xbc, 0x16, 0x69, 0x05, 0x19, 0x87, 0x57, 0x42, 0xc6, 0x02,
                                                0x85, 0x13, 0x79, 0x6c, 0xd4, 0xf8, 0x2c, 0xc7, 0xd9, 0x7b};
inline const Secret& client_key() {
  static const Secret s(text_of(Bytes(kClientKey)));
  return s;
}
inline const Secret& server_key() {
  static const Secret s(text_of(Bytes(kServerKey)));
  return s;
}
// All three, for check_no_leak's one-scan look-up.
inline const Secret& scram_secrets() {
  static const Secret s{&password(), &client_key(), &server_key()};
  return s;
}
}  // namespace planted

// Aborts, naming the secret and the leaked piece, when `message` leaks one of `secrets`. `any`, when given, is the
// union of `secrets` (Secret's list constructor), looked up first: one scan of the message instead of one a secret.
inline void check_no_leak(std::string_view message, std::string_view input,
                          std::initializer_list<std::pair<const char*, const Secret*>> secrets,
                          const Secret* any = nullptr) {
  if (any != nullptr && !any->leaks(message, input)) return;
  for (const auto& [name, secret] : secrets) {
    const std::string_view piece = secret->leaked_in(message, input);
    if (!piece.empty()) {
      std::fprintf(stderr, "fuzz invariant broken: the message leaks the planted %s (\"%s\" holds hex %s)\n", name,
                   std::string(message).c_str(), encode::hex(piece).c_str());
      std::abort();
    }
  }
}

// Substitutes `secret.text()` for each JSON string "@" in value position: a member's value (after ':') or an
// array's first element (after '['), so the fuzzer decides where a secret goes and the oracle knows what it is.
// With `members` given, only those members' values are substituted (e.g. a JWK's "k" and "d", not its "crv",
// which messages may name).
inline std::string plant(std::string_view json, const Secret& secret,
                         std::initializer_list<std::string_view> members = {}) {
  std::string out;
  std::size_t done = 0;
  for (std::size_t at = json.find("\"@\""); at != std::string_view::npos; at = json.find("\"@\"", at + 3)) {
    std::size_t j = at;
    while (j > 0 && (json[j - 1] == ' ' || json[j - 1] == '\n' || json[j - 1] == '\t' || json[j - 1] == '\r')) --j;
    bool value = false;
    if (j > 0 && json[j - 1] == '[' && members.size() == 0) value = true;
    if (j > 0 && json[j - 1] == ':') {
      if (members.size() == 0) {
        value = true;
      } else {
        std::size_t k = j - 1;
        while (k > 0 && (json[k - 1] == ' ' || json[k - 1] == '\t')) --k;
        for (const std::string_view m : members) {
          if (k >= m.size() + 2 && json[k - 1] == '"' && json.substr(k - 1 - m.size(), m.size()) == m &&
              json[k - 2 - m.size()] == '"') {
            value = true;
          }
        }
      }
    }
    if (!value) continue;
    out.append(json.substr(done, at + 1 - done));
    out.append(secret.text());
    done = at + 2;
  }
  if (done == 0) return std::string(json);
  out.append(json.substr(done));
  return out;
}

}  // namespace edgepg::fuzz
