// splitmix64: a small deterministic stream for the differential tests (p256_test.cpp, ed25519_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgepg::test {

struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

}  // namespace edgepg::test
