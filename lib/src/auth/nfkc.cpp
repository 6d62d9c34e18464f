// NFKC as UAX #15 defines it: full compatibility decomposition (recursive; Hangul syllables algorithmically),
// canonical ordering of each run of non-starters by combining class (stable), then canonical composition, where a
// character composes with the last starter unless a character between them has class 0 or a class not below its
// own. The loop is PostgreSQL's (src/common/unicode_norm.c, recompose step).
#include "auth/nfkc.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

#include "nfkc_tables.hpp"  // generated into the build directory

namespace edgepg::auth {
namespace {

namespace t = nfkc_tables;

// Hangul syllables (The Unicode Standard, §3.12).
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

std::uint8_t combining_class(char32_t c) {
  const auto key = (static_cast<std::uint32_t>(c) << 8) | 0xFF;
  const auto* it = std::upper_bound(std::begin(t::ccc_runs), std::end(t::ccc_runs), key);
  return static_cast<std::uint8_t>(*(it - 1) & 0xFF);  // ccc_runs starts at code point 0
}

// The code point of the pool at pos (UTF-16), advancing pos.
char32_t pool_at(std::size_t& pos) {
  const char32_t u = t::decomp_pool[pos++];
  if (u < 0xD800 || u > 0xDBFF) return u;
  return 0x10000 + ((u - 0xD800) << 10) + (t::decomp_pool[pos++] - 0xDC00);
}

void decompose(char32_t c, std::u32string& out) {
  if (c >= kSBase && c < kSBase + kSCount) {
    const char32_t s = c - kSBase;
    out += kLBase + s / kNCount;
    out += kVBase + (s % kNCount) / kTCount;
    if (s % kTCount != 0) out += kTBase + s % kTCount;
    return;
  }
  const auto key = (static_cast<std::uint32_t>(c) << 8) | 0xFF;
  const auto* it = std::upper_bound(std::begin(t::decomp_keys), std::end(t::decomp_keys), key);
  if (it == std::begin(t::decomp_keys)) {
    out += c;
    return;
  }
  --it;
  const char32_t first = *it >> 8;
  const char32_t run = *it & 0xFF;
  if (c - first >= run) {
    out += c;
    return;
  }
  const auto entry = static_cast<std::size_t>(it - std::begin(t::decomp_keys));
  std::size_t pos = t::decomp_offsets[entry];
  const std::size_t end = t::decomp_offsets[entry + 1];
  if (run > 1) {
    decompose(pool_at(pos) + (c - first), out);
    return;
  }
  while (pos < end) decompose(pool_at(pos), out);
}

// The composite of a primary composite pair, if there is one.
bool compose(char32_t a, char32_t b, char32_t& composite) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount) {
    composite = kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
    return true;
  }
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase && b < kTBase + kTCount) {
    composite = a + (b - kTBase);
    return true;
  }
  const auto pair_of = [](std::uint16_t entry) {
    std::size_t pos = t::decomp_offsets[entry];
    const char32_t x = pool_at(pos);
    return std::pair{x, pool_at(pos)};
  };
  const std::pair wanted{a, b};
  const auto* it =
      std::lower_bound(std::begin(t::compose_entries), std::end(t::compose_entries), wanted,
                       [&](std::uint16_t e, const std::pair<char32_t, char32_t>& w) { return pair_of(e) < w; });
  if (it == std::end(t::compose_entries) || pair_of(*it) != wanted) return false;
  composite = t::decomp_keys[*it] >> 8;
  return true;
}

}  // namespace

std::u32string nfkc(std::u32string_view input) {
  std::u32string d;
  d.reserve(input.size());
  for (const char32_t c : input) decompose(c, d);

  // Canonical ordering: each run of non-starters sorted by class, stably.
  std::vector<std::pair<std::uint8_t, char32_t>> run;
  for (std::size_t i = 0; i < d.size();) {
    if (combining_class(d[i]) == 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    run.clear();
    for (; j < d.size(); ++j) {
      const auto cc = combining_class(d[j]);
      if (cc == 0) break;
      run.emplace_back(cc, d[j]);
    }
    std::stable_sort(run.begin(), run.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (std::size_t k = 0; k < run.size(); ++k) d[i + k] = run[k].second;
    i = j;
  }

  if (d.empty()) return d;
  std::u32string out;
  out.reserve(d.size());
  out += d[0];
  std::size_t starter = 0;
  int last_class = -1;
  for (std::size_t i = 1; i < d.size(); ++i) {
    const char32_t c = d[i];
    const int cc = combining_class(c);
    char32_t composite = 0;
    if (last_class < cc && compose(out[starter], c, composite)) {
      out[starter] = composite;
    } else if (cc == 0) {
      starter = out.size();
      last_class = -1;
      out += c;
    } else {
      last_class = cc;
      out += c;
    }
  }
  return out;
}

}  // namespace edgepg::auth
