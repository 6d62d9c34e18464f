// util::split_url, the one URL splitter, and the three readers built on it: postgres:// connection strings (lax:
// no fragments), ws:// proxy URLs and the https:// JWKS fetch (fragments stripped, IPv6 refused).
#include "util/url.hpp"

#include <doctest/doctest.h>

#include <string>

#include "edgepg/client/options.hpp"
#include "edgepg/error.hpp"
#include "net/http_get.hpp"

using namespace edgepg;

namespace {

std::string http_error(std::string_view url) {
  try {
    (void)net::parse_http_url(url);
  } catch (const Error& e) {
    return e.code() + ": " + e.message();
  }
  return "none";
}

}  // namespace

TEST_CASE("url: split_url cuts scheme, user info, host, port, path, query and fragment") {
  const auto p = util::split_url("https://u:p@w@host.example:8443/a/b?x=1&y#frag?z");
  CHECK(p.error == util::UrlError::none);
  CHECK(p.scheme == "https");
  CHECK(p.userinfo == "u:p@w");  // the last '@' ends the user info
  CHECK(p.host == "host.example");
  CHECK(p.port == "8443");
  CHECK(p.path == "/a/b");
  CHECK(p.query == "x=1&y");
  CHECK(p.fragment == "frag?z");
  CHECK(util::request_target(p) == "/a/b?x=1&y");

  const auto v6 = util::split_url("ws://[::1]:80?x", {.fragments = false});
  CHECK(v6.bracketed);
  CHECK(v6.host == "::1");
  CHECK(v6.port == "80");
  CHECK(v6.path.empty());
  CHECK(util::request_target(v6) == "/?x");

  CHECK(util::split_url("no-scheme").error == util::UrlError::no_scheme);
  CHECK(util::split_url("ws://[::1").error == util::UrlError::unterminated_bracket);
  CHECK(util::split_url("ws://[::1]x/").error == util::UrlError::text_after_bracket);
  CHECK(util::request_target(util::split_url("https://h")) == "/");
  CHECK(util::request_target(util::split_url("https://h#f")) == "/");
}

TEST_CASE("url: without fragments '#' is plain data (lax postgres:// passwords, ws:// targets)") {
  const auto lax = util::split_url("postgresql://u:pa#ss@h/db", {.fragments = false});
  CHECK(lax.userinfo == "u:pa#ss");
  CHECK(lax.host == "h");
  CHECK_FALSE(lax.fragment);
  CHECK(parse_connection_string("postgresql://u:pa#ss@h/db").password == "pa#ss");
  CHECK(parse_connection_string("postgresql://u:p@ss@h:7/db").password == "p@ss");
  CHECK(parse_websocket_url("ws://h/p#f").target == "/p#f");

  // The fragment-aware reading of the same text would have cut the authority at '#'.
  CHECK(util::split_url("postgresql://u:pa#ss@h/db").host == "u");
}

TEST_CASE("url: percent_decode") {
  std::string out;
  CHECK(util::percent_decode("a%20b%2F%c3%A4", out));
  CHECK(out == "a b/\xC3\xA4");
  for (const char* bad : {"%", "%4", "%zz", "a%2"}) {
    std::string o;
    CHECK_FALSE_MESSAGE(util::percent_decode(bad, o), bad);
  }
}

TEST_CASE("url: JWKS URLs (https://, loopback http://, no user info, no IPv6)") {
  auto u = net::parse_http_url("https://issuer.example/.well-known/jwks.json#keys");
  CHECK(u.secure);
  CHECK(u.host == "issuer.example");
  CHECK(u.port == 443);
  CHECK(u.target == "/.well-known/jwks.json");
  u = net::parse_http_url("https://10.0.0.1:8443?x=1");
  CHECK(u.host == "10.0.0.1");
  CHECK(u.port == 8443);
  CHECK(u.target == "/?x=1");
  u = net::parse_http_url("http://127.0.0.1:9000/k");
  CHECK_FALSE(u.secure);
  CHECK(u.port == 9000);

  CHECK(http_error("ftp://h/") == "EINVAL: the URL must start with https://");
  CHECK(http_error("https://user@h/") == "EINVAL: the URL must not carry user information");
  CHECK(http_error("https://h:0/") == "EINVAL: the URL has an invalid port");
  CHECK(http_error("https://h:x/") == "EINVAL: the URL has an invalid port");
  CHECK(http_error("https://[::1]/") == "EINVAL: the URL needs a host name or IPv4 address");
  CHECK(http_error("https://[::1]:99999/") == "EINVAL: the URL needs a host name or IPv4 address");
  CHECK(http_error("https://:443/") == "EINVAL: the URL needs a host name or IPv4 address");
  CHECK(http_error("http://example.com/") ==
        "EINVAL: http:// is only for loopback tests: keys must come over https://");
}
