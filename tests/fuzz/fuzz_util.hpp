// Helpers shared by the libFuzzer targets of tests/fuzz (built and run by scripts/fuzz).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

namespace edgepg::fuzz {

using Bytes = std::span<const std::uint8_t>;

inline Bytes bytes_of(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// A contract the code under test broke: abort, so libFuzzer records the input as a crash.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}
#define EDGEPG_FUZZ_CHECK(cond)                    \
  do {                                             \
    if (!(cond)) ::edgepg::fuzz::broken(#cond);    \
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

}  // namespace edgepg::fuzz
