// URLs taken apart in one place: the native client's postgres:// connection strings and ws:// proxy URLs, and the
// transports' https:// JWKS fetch, all split here. The splitter only cuts (RFC 3986's generic syntax); each caller
// decides what it accepts (schemes, user info, IPv6, ports) and words its own errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace edgepg::util {

struct UrlSyntax {
  // '#' starts a fragment, as RFC 3986 says (https://). Off, '#' is plain data: libpq's lax postgres:// URLs take a
  // raw '#' in a password, and ws:// URLs have always sent it on inside the request target.
  bool fragments = true;
};

enum class UrlError {
  none,
  no_scheme,             // no "://"
  unterminated_bracket,  // "[v6" without ']'
  text_after_bracket,    // "[v6]x": something other than ":port" after ']'
};

// Views into the URL handed to split_url (which must outlive them), undecoded.
struct UrlParts {
  UrlError error = UrlError::none;  // the fields before the failing one are filled
  std::string_view scheme;          // before "://", as written
  // Before the authority's LAST '@': a lax URL's password may hold a raw '@'.
  std::optional<std::string_view> userinfo;
  std::string_view host;                     // an IPv6 address without its brackets
  bool bracketed = false;                    // the host was written [like:this]
  std::optional<std::string_view> port;      // after the host's ':' (maybe empty)
  std::string_view path;                     // from the '/' that ends the authority, included; empty without one
  std::optional<std::string_view> query;     // after the first '?'
  std::optional<std::string_view> fragment;  // after the first '#' (UrlSyntax::fragments only)
};

// The authority ends at the first '/', '?' (or '#' with fragments); the path at the first '?' (or '#').
UrlParts split_url(std::string_view url, UrlSyntax syntax = {});

// An HTTP request target (origin form) from the path and query: "/" when both are empty, "/?q" for a bare "?q".
std::string request_target(const UrlParts& parts);

// RFC 3986 percent-decoding of one component. false at a '%' not followed by two hex digits.
bool percent_decode(std::string_view in, std::string& out);

}  // namespace edgepg::util
