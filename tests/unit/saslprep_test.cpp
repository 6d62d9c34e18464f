// SASLprep (RFC 4013) as PostgreSQL applies it, and the NFKC under it. NFKC against tests/vectors/nfkc/nfkc.txt
// (computed with Python's unicodedata.normalize, see generate.py there); SASLprep against RFC 4013 §3's examples
// and PostgreSQL's own rules (src/common/saslprep.c): every refusal keeps the raw password.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "auth/nfkc.hpp"
#include "edgepg/auth/scram_client.hpp"

using edgepg::auth::nfkc;
using edgepg::auth::saslprep_password;
namespace fs = std::filesystem;

namespace {

fs::path vectors_file() {
  const fs::path here = fs::absolute(fs::path(__FILE__));
  return here.parent_path().parent_path() / "vectors" / "nfkc" / "nfkc.txt";
}

std::u32string parse_code_points(const std::string& hex) {
  std::u32string out;
  std::istringstream in(hex);
  std::string word;
  while (in >> word) out += static_cast<char32_t>(std::stoul(word, nullptr, 16));
  return out;
}

std::string hex_of(const std::u32string& s) {
  std::ostringstream out;
  for (const char32_t c : s) out << std::hex << std::uppercase << static_cast<std::uint32_t>(c) << ' ';
  return out.str();
}

}  // namespace

TEST_CASE("NFKC matches Python's unicodedata on the vectors") {
  std::ifstream in(vectors_file());
  REQUIRE_MESSAGE(in.good(), "NFKC vectors not found at " << vectors_file().string());
  std::string line;
  int cases = 0;
  int failures = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto semi = line.find(';');
    REQUIRE(semi != std::string::npos);
    const auto input = parse_code_points(line.substr(0, semi));
    const auto expected = parse_code_points(line.substr(semi + 1));
    const auto got = nfkc(input);
    ++cases;
    if (got != expected && ++failures <= 10) {
      FAIL_CHECK("NFKC(" << hex_of(input) << ") = " << hex_of(got) << ", expected " << hex_of(expected));
    }
  }
  CHECK(cases > 3000);
  CHECK(failures == 0);
}

TEST_CASE("NFKC: decomposition, reordering, composition, Hangul") {
  CHECK(nfkc(U"\u2168") == U"IX");                               // compatibility decomposition
  CHECK(nfkc(U"\uFDFA").size() == 18);                           // the longest compatibility mapping
  CHECK(nfkc(U"\U0001D400\uFF41") == U"Aa");                     // runs: mathematical bold, fullwidth
  CHECK(nfkc(U"a\u0301\u0328") == U"\u0105\u0301");              // ogonek (202) moves before acute (230)
  CHECK(nfkc(U"\u212B") == U"\u00C5");                           // singleton, then recomposed
  CHECK(nfkc(U"\u0958") == U"\u0915\u093C");                     // composition exclusion stays decomposed
  CHECK(nfkc(U"\u1100\u1161\u11A8") == U"\uAC01");               // Hangul L V T composes
  CHECK(nfkc(U"\uD4DB") == U"\uD4DB");                           // a Hangul LVT syllable round-trips
  CHECK(nfkc(U"a\u0300\u0315\u0300") == U"\u00E0\u0300\u0315");  // reordered (230, 230, 232); no à + grave
  CHECK(nfkc(U"a\u0308\u0301b") == U"\u00E4\u0301b");            // ä + acute has no composite
  CHECK(nfkc(U"") == U"");
}

TEST_CASE("SASLprep: RFC 4013 section 3 examples, PostgreSQL's outcome for the refused ones") {
  CHECK(saslprep_password("I\xC2\xAD"
                          "X") == "IX");  // SOFT HYPHEN mapped to nothing
  CHECK(saslprep_password("user") == "user");
  CHECK(saslprep_password("USER") == "USER");
  CHECK(saslprep_password("\xC2\xAA") == "a");       // U+00AA: NFKC
  CHECK(saslprep_password("\xE2\x85\xA8") == "IX");  // U+2168: NFKC
  CHECK(saslprep_password("\x07") == "\x07");        // ASCII: used as is
  CHECK(saslprep_password("\xD8\xA7"
                          "1") ==
        "\xD8\xA7"
        "1");  // bidi: RandALCat not last
}

TEST_CASE("SASLprep: the passwords node-postgres's suite uses, and mapping") {
  CHECK(saslprep_password("IX-\xE2\x85\xA8") == "IX-IX");
  CHECK(saslprep_password("test4scram") == "test4scram");
  CHECK(saslprep_password("\x07"
                          "abc") ==
        "\x07"
        "abc");
  CHECK(saslprep_password("a\xC2\xA0"
                          "b\xE3\x80\x80") == "a b ");  // non-ASCII spaces, then NFKC
  CHECK(saslprep_password("\xEF\xAC\x81"
                          "\xC3\xA9") == "fi\xC3\xA9");    // ligature, é stays composed
  CHECK(saslprep_password("e\xCC\x81") == "\xC3\xA9");     // e + COMBINING ACUTE composes
  CHECK(saslprep_password("\xEF\xAD\x90") == "\xD9\xB1");  // U+FB50 (AL) -> U+0671: bidi passes
}

TEST_CASE("SASLprep: refusals keep the raw password, as PostgreSQL does") {
  // Prohibited in the mapped input though not after NFKC (U+0340 -> U+0300): PostgreSQL checks the input.
  CHECK(saslprep_password("a\xCD\x80") == "a\xCD\x80");
  CHECK(saslprep_password("\xE2\x85\xA8\x07") == "\xE2\x85\xA8\x07");                  // control character
  CHECK(saslprep_password("\xE2\x85\xA8\xEE\x80\x80") == "\xE2\x85\xA8\xEE\x80\x80");  // private use
  CHECK(saslprep_password("\xE2\x85\xA8\xF0\x9F\x98\x80") ==
        "\xE2\x85\xA8\xF0\x9F\x98\x80");  // U+1F600: unassigned in Unicode 3.2
  CHECK(saslprep_password("\xD8\xA7"
                          "a\xD8\xA8") ==
        "\xD8\xA7"
        "a\xD8\xA8");                                                                  // bidi: RandALCat with LCat
  CHECK(saslprep_password("\xC2\xAD") == "\xC2\xAD");                                  // maps to nothing at all
  CHECK(saslprep_password("\xff\xfe") == "\xff\xfe");                                  // invalid UTF-8
  CHECK(saslprep_password("\xE2\x85\xA8\xC0\xAF") == "\xE2\x85\xA8\xC0\xAF");          // overlong
  CHECK(saslprep_password("\xE2\x85\xA8\xED\xA0\x80") == "\xE2\x85\xA8\xED\xA0\x80");  // surrogate
  CHECK(saslprep_password("\xE2\x85\xA8\xF4\x90\x80\x80") == "\xE2\x85\xA8\xF4\x90\x80\x80");  // above U+10FFFF
  CHECK(saslprep_password("\xE2\x85\xA8\xE2\x85") == "\xE2\x85\xA8\xE2\x85");                  // truncated
}

TEST_CASE("SASLprep: PostgreSQL's 1024-byte limit") {
  std::string at_limit;
  std::string prepared;
  for (int i = 0; i < 341; ++i) {
    at_limit += "\xE2\x85\xA8";
    prepared += "IX";
  }
  at_limit += "x";  // 1024 bytes
  prepared += "x";
  CHECK(saslprep_password(at_limit) == prepared);
  const std::string over = at_limit + "y";
  CHECK(saslprep_password(over) == over);
}
