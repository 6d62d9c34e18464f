// Unicode Normalization Form KC (UAX #15) over code points, for SASLprep (RFC 4013 §2.2). The tables are generated
// at build time from the Unicode Character Database (scripts/gen-saslprep-tables.py); Hangul is algorithmic.
#pragma once

#include <string>
#include <string_view>

namespace edgepg::auth {

// NFKC of a sequence of Unicode scalar values (no surrogates, nothing above U+10FFFF); never fails.
std::u32string nfkc(std::u32string_view input);

}  // namespace edgepg::auth
