// SASLprep (RFC 4013) of a password exactly as PostgreSQL applies it (src/common/saslprep.c, the same code in the
// server, which prepares the password when it stores a SCRAM secret, and in libpq): an all-ASCII password is used as
// is; invalid UTF-8, an empty mapped result, a prohibited or unassigned character or a failed bidi check keep the raw
// password. PostgreSQL checks steps 3 and 4 on the mapped input rather than on the normalised output, and so does
// this file: the point is to derive the same key as the server.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "auth/nfkc.hpp"
#include "edgepg/auth/scram_client.hpp"
#include "saslprep_tables.hpp"  // generated into the build directory

namespace edgepg::auth {
namespace {

namespace t = saslprep_tables;

// PostgreSQL's MAX_PASSWORD_LENGTH. Its server refuses to prepare a longer password and libpq gives up; nothing
// the server computed can match a prepared one, so a longer password is used as it is.
constexpr std::size_t kMaxPasswordLength = 1024;

template <std::size_t N>
bool in_table(char32_t c, const t::CodeRange (&table)[N]) {
  const auto* it = std::upper_bound(std::begin(table), std::end(table), c,
                                    [](char32_t v, const t::CodeRange& r) { return v < r.first; });
  return it != std::begin(table) && c <= (it - 1)->last;
}

// Strict UTF-8 as PostgreSQL's pg_utf8_islegal: no overlong forms, no surrogates, nothing above U+10FFFF.
bool decode_utf8(std::string_view s, std::u32string& out) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    const std::size_t len = b0 < 0x80                  ? 1
                            : b0 >= 0xC2 && b0 <= 0xDF ? 2
                            : (b0 >> 4) == 0xE         ? 3
                            : b0 >= 0xF0 && b0 <= 0xF4 ? 4
                                                       : 0;
    if (len == 0 || i + len > s.size()) return false;
    char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b >> 6) != 2) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    out += cp;
    i += len;
  }
  return true;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

std::string saslprep_password(std::string_view password) {
  const std::string raw(password);
  if (password.size() > kMaxPasswordLength) return raw;
  if (std::all_of(password.begin(), password.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; }))
    return raw;
  std::u32string in;
  in.reserve(password.size());
  if (!decode_utf8(password, in)) return raw;

  // 1) Map (RFC 4013 §2.1): non-ASCII spaces to SPACE, B.1 to nothing.
  std::u32string mapped;
  mapped.reserve(in.size());
  for (const char32_t c : in) {
    if (in_table(c, t::non_ascii_space)) {
      mapped += U' ';
    } else if (!in_table(c, t::mapped_to_nothing)) {
      mapped += c;
    }
  }
  if (mapped.empty()) return raw;

  // 2) Normalize (§2.2): NFKC.
  const std::u32string normalized = nfkc(mapped);

  // 3) Prohibit (§2.3) and unassigned code points (§2.5), on the mapped input as PostgreSQL does.
  for (const char32_t c : mapped) {
    if (in_table(c, t::prohibited_output) || in_table(c, t::unassigned)) return raw;
  }
  // 4) Bidi (§2.4, RFC 3454 §6): with any RandALCat character, no LCat one, and RandALCat first and last.
  if (std::any_of(mapped.begin(), mapped.end(), [](char32_t c) { return in_table(c, t::rand_al_cat); })) {
    if (std::any_of(mapped.begin(), mapped.end(), [](char32_t c) { return in_table(c, t::l_cat); })) return raw;
    if (!in_table(mapped.front(), t::rand_al_cat) || !in_table(mapped.back(), t::rand_al_cat)) return raw;
  }

  std::string out;
  out.reserve(normalized.size() * 2);
  for (const char32_t c : normalized) append_utf8(out, c);
  return out;
}

}  // namespace edgepg::auth
