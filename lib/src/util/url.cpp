#include "url.hpp"

#include "hex.hpp"

namespace edgepg::util {

UrlParts split_url(std::string_view url, UrlSyntax syntax) {
  UrlParts p;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    p.error = UrlError::no_scheme;
    return p;
  }
  p.scheme = url.substr(0, scheme_end);
  std::string_view rest = url.substr(scheme_end + 3);

  std::string_view authority = rest.substr(0, rest.find_first_of(syntax.fragments ? "/?#" : "/?"));
  rest.remove_prefix(authority.size());
  if (const auto hash = syntax.fragments ? rest.find('#') : std::string_view::npos; hash != std::string_view::npos) {
    p.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    p.query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  p.path = rest;

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    p.userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    p.bracketed = true;
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      p.error = UrlError::unterminated_bracket;
      return p;
    }
    p.host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        p.error = UrlError::text_after_bracket;
        return p;
      }
      p.port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    p.host = authority.substr(0, colon);
    p.port = authority.substr(colon + 1);
  } else {
    p.host = authority;
  }
  return p;
}

std::string request_target(const UrlParts& parts) {
  std::string target(parts.path);
  if (parts.query) target.append(1, '?').append(*parts.query);
  if (target.empty() || target.front() != '/') target.insert(target.begin(), '/');
  return target;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.reserve(out.size() + in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size() || hex_digit(in[i + 1]) < 0 || hex_digit(in[i + 2]) < 0) return false;
    out += static_cast<char>(hex_digit(in[i + 1]) * 16 + hex_digit(in[i + 2]));
    i += 2;
  }
  return true;
}

}  // namespace edgepg::util
