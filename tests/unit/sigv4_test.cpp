#include "edgepg/sign/sigv4.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/crypto.hpp"
#include "util/hex.hpp"

using namespace edgepg;
using namespace edgepg::sign;
namespace fs = std::filesystem;

namespace {

// ---- locating the AWS SigV4 test suite (awslabs/aws-c-auth tests/aws-signing-test-suite/v4) ----
// Vendored in tests/vectors/aws-sigv4 (Apache-2.0, see the README and LICENSE there). EDGEPG_SIGV4_VECTORS
// (environment, then a compile definition of the same name) points elsewhere, e.g. at a newer copy of the suite.
fs::path vectors_dir() {
  if (const char* env = std::getenv("EDGEPG_SIGV4_VECTORS"); env && *env) return env;
#ifdef EDGEPG_SIGV4_VECTORS
  return EDGEPG_SIGV4_VECTORS;
#else
  const fs::path here = fs::absolute(fs::path(__FILE__));
  return here.parent_path().parent_path() / "vectors" / "aws-sigv4";
#endif
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- a test-only reader for the flat context.json files (string, number and bool values, unique key names) ----
std::string json_raw(const std::string& json, const std::string& key) {
  const auto k = json.find("\"" + key + "\"");
  if (k == std::string::npos) return {};
  auto p = json.find(':', k) + 1;
  while (p < json.size() && (json[p] == ' ' || json[p] == '\n' || json[p] == '\t' || json[p] == '\r')) ++p;
  if (json[p] == '"') {
    std::string out;
    for (++p; p < json.size() && json[p] != '"'; ++p) {
      if (json[p] == '\\') ++p;  // the suite's strings only escape '/' and '"'
      out += json[p];
    }
    return out;
  }
  auto e = p;
  while (e < json.size() && json[e] != ',' && json[e] != '}' && json[e] != '\n') ++e;
  return json.substr(p, e - p);
}

std::int64_t parse_iso8601(const std::string& s) {  // "2015-08-30T12:36:00Z"
  UtcDateTime t;
  t.year = std::stoi(s.substr(0, 4));
  t.month = std::stoi(s.substr(5, 2));
  t.day = std::stoi(s.substr(8, 2));
  t.hour = std::stoi(s.substr(11, 2));
  t.minute = std::stoi(s.substr(14, 2));
  t.second = std::stoi(s.substr(17, 2));
  return epoch_from_utc(t);
}

// ---- a test-only HTTP/1.1 request reader for request.txt ----
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    pos = nl + 1;
  }
  return lines;
}

struct ParsedRequest {
  HttpRequest request;
  std::string raw_query;
  std::size_t header_lines = 0;  // header lines as written (continuations count)
};

ParsedRequest parse_request(const std::string& text) {
  ParsedRequest out;
  auto& r = out.request;
  const auto lines = split_lines(text);
  const std::string& start = lines.at(0);
  const auto sp1 = start.find(' ');
  const auto sp2 = start.rfind(' ');  // the target may itself contain spaces ("/example space/")
  r.method = start.substr(0, sp1);
  const std::string target = start.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) {
    out.raw_query = target.substr(q + 1);
    std::size_t pos = 0;
    while (pos <= out.raw_query.size() && !out.raw_query.empty()) {
      auto amp = out.raw_query.find('&', pos);
      if (amp == std::string::npos) amp = out.raw_query.size();
      const std::string pair = out.raw_query.substr(pos, amp - pos);
      const auto eq = pair.find('=');
      r.query.push_back({percent_decode(pair.substr(0, eq)),
                         eq == std::string::npos ? std::string() : percent_decode(pair.substr(eq + 1))});
      pos = amp + 1;
      if (amp == out.raw_query.size()) break;
    }
  }
  std::size_t i = 1;
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    ++out.header_lines;
    const std::string& line = lines[i];
    if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.back().value += ' ';  // obs-fold (RFC 7230 §3.2.4): a continuation line joins with a space
      r.headers.back().value += line;
      continue;
    }
    const auto colon = line.find(':');
    r.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  // The body: everything after the blank line.
  for (std::size_t j = i + 1; j < lines.size(); ++j) {
    if (j > i + 1) r.body += '\n';
    r.body += lines[j];
  }
  return out;
}

std::string trim_trailing_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

struct CaseResult {
  bool header_ok = true;
  bool query_ok = true;
};

CaseResult run_case(const fs::path& dir) {
  CaseResult res;
  const std::string name = dir.filename().string();
  const std::string ctx = read_text(dir / "context.json");
  const ParsedRequest parsed = parse_request(read_text(dir / "request.txt"));

  SigningParams p;
  p.credentials.access_key_id = json_raw(ctx, "access_key_id");
  p.credentials.secret_access_key = json_raw(ctx, "secret_access_key");
  p.credentials.session_token = json_raw(ctx, "token");
  p.region = json_raw(ctx, "region");
  p.service = json_raw(ctx, "service");
  p.time = parse_iso8601(json_raw(ctx, "timestamp"));
  p.expires_in = static_cast<std::uint32_t>(std::stoul(json_raw(ctx, "expiration_in_seconds")));
  p.normalize_path = json_raw(ctx, "normalize") != "false";
  p.add_content_sha256 = json_raw(ctx, "sign_body") == "true";
  p.omit_session_token = json_raw(ctx, "omit_session_token") == "true";

  auto expect = [&](const char* file) { return trim_trailing_newlines(read_text(dir / file)); };
  auto check = [&](bool& ok, bool cond, const std::string& what, const std::string& got, const std::string& want) {
    if (!cond) {
      ok = false;
      FAIL_CHECK(name << ": " << what << "\n--- got\n" << got << "\n--- want\n" << want);
    }
  };

  // Header signing.
  HeaderSignature hs;
  const Status hst = sign_headers(parsed.request, p, hs);
  check(res.header_ok, hst.ok(), "sign_headers status", hst.message(), "ok");
  check(res.header_ok, hs.canonical_request == expect("header-canonical-request.txt"), "header canonical request",
        hs.canonical_request, expect("header-canonical-request.txt"));
  check(res.header_ok, hs.string_to_sign == expect("header-string-to-sign.txt"), "header string to sign",
        hs.string_to_sign, expect("header-string-to-sign.txt"));
  check(res.header_ok, hs.signature == expect("header-signature.txt"), "header signature", hs.signature,
        expect("header-signature.txt"));
  {
    // The signed request: the original header lines, then exactly the headers the signer adds, in order.
    const auto lines = split_lines(read_text(dir / "header-signed-request.txt"));
    std::string want;
    for (std::size_t i = 1 + parsed.header_lines; i < lines.size() && !lines[i].empty(); ++i) want += lines[i] + "\n";
    std::string got;
    for (const auto& h : hs.added_headers) got += h.name + ":" + h.value + "\n";
    check(res.header_ok, got == want, "header signed request's added headers", got, want);
  }

  // Query presigning.
  Presigned ps;
  const Status pst = presign(parsed.request, p, ps);
  check(res.query_ok, pst.ok(), "presign status", pst.message(), "ok");
  check(res.query_ok, ps.canonical_request == expect("query-canonical-request.txt"), "query canonical request",
        ps.canonical_request, expect("query-canonical-request.txt"));
  check(res.query_ok, ps.string_to_sign == expect("query-string-to-sign.txt"), "query string to sign",
        ps.string_to_sign, expect("query-string-to-sign.txt"));
  check(res.query_ok, ps.signature == expect("query-signature.txt"), "query signature", ps.signature,
        expect("query-signature.txt"));
  {
    // The presigned request line: the request's own query as written, then the signer's parameters in order.
    const std::string line = split_lines(read_text(dir / "query-signed-request.txt")).at(0);
    const auto start = line.find("X-Amz-Algorithm=");
    const auto end = line.rfind(' ');
    const std::string want = start == std::string::npos ? std::string() : line.substr(start, end - start);
    std::vector<QueryParam> added(ps.query.begin() + static_cast<std::ptrdiff_t>(parsed.request.query.size()),
                                  ps.query.end());
    const std::string got = Presigned{{}, {}, {}, {}, added}.query_string();
    check(res.query_ok, got == want, "presigned query parameters", got, want);
  }
  return res;
}

}  // namespace

TEST_CASE("SigV4: every case of the AWS v4 signing test suite, header and query signing") {
  const fs::path dir = vectors_dir();
  REQUIRE_MESSAGE(fs::is_directory(dir),
                  "SigV4 vectors not found at " << dir.string() << " (set EDGEPG_SIGV4_VECTORS)");
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory() && fs::exists(e.path() / "context.json")) cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  int header_pass = 0;
  int query_pass = 0;
  for (const auto& c : cases) {
    const CaseResult r = run_case(c);
    header_pass += r.header_ok ? 1 : 0;
    query_pass += r.query_ok ? 1 : 0;
  }
  MESSAGE("SigV4 suite: " << cases.size() << " cases; header signing " << header_pass << " pass, query signing "
                          << query_pass << " pass");
  CHECK(cases.size() >= 38);
  CHECK(header_pass == static_cast<int>(cases.size()));
  CHECK(query_pass == static_cast<int>(cases.size()));
}

TEST_CASE("SigV4: percent-encoding follows AWS's unreserved set, uppercase hex") {
  CHECK(uri_encode("AZaz09-_.~") == "AZaz09-_.~");
  CHECK(uri_encode(" !\"#$%&'()*+,/:;<=>?@[\\]^`{|}") ==
        "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D");
  CHECK(uri_encode("/a b/c", true) == "/a%20b/c");
  CHECK(uri_encode("\xe1\x88\xb4") == "%E1%88%B4");
  CHECK(uri_encode(std::string("\0\xff", 2)) == "%00%FF");
  // A path that is already encoded is encoded again (non-S3 services): "%20" -> "%2520".
  CHECK(uri_encode("/a%20b", true) == "/a%2520b");
}

TEST_CASE("SigV4: path normalisation removes dot segments and duplicate slashes") {
  CHECK(normalize_path("/") == "/");
  CHECK(normalize_path("//") == "/");
  CHECK(normalize_path("/./") == "/");
  CHECK(normalize_path("/example/..") == "/");
  CHECK(normalize_path("/example1/example2/../..") == "/");
  CHECK(normalize_path("//example//") == "/example/");
  CHECK(normalize_path("/a/./b/../c") == "/a/c");
  CHECK(normalize_path("/../a") == "/a");
  CHECK(normalize_path("/a/b/") == "/a/b/");
  CHECK(normalize_path("/a/b/..") == "/a");
}

TEST_CASE("SigV4: S3-style signing keeps the path exactly (no normalisation, no second encoding)") {
  HttpRequest r{"GET", "/my-object//example//photo%20x.user", {}, {{"Host", "bucket.s3.amazonaws.com"}}, {}};
  SigningParams p{{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}}, "us-east-1", "s3", 1440938160};
  p.normalize_path = false;
  p.uri_escape_path = false;
  HeaderSignature hs;
  REQUIRE(sign_headers(r, p, hs).ok());
  CHECK(hs.canonical_request.starts_with("GET\n/my-object//example//photo%20x.user\n\n"));
  p.normalize_path = true;
  p.uri_escape_path = true;
  REQUIRE(sign_headers(r, p, hs).ok());
  CHECK(hs.canonical_request.starts_with("GET\n/my-object/example/photo%2520x.user\n\n"));
}

TEST_CASE("SigV4: canonical query sorts by encoded key, then encoded value") {
  CHECK(canonical_query({{"b", "2"}, {"a", "z"}, {"a", "y"}, {"\xe1\x88\xb4", "v"}, {"A", ""}}) ==
        "%E1%88%B4=v&A=&a=y&a=z&b=2");
  CHECK(canonical_query({}).empty());
}

TEST_CASE("SigV4: signing key derivation matches AWS's documented example") {
  // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
  const auto key = derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
  CHECK(util::hex_lower(key) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST_CASE("SigV4: dates are formatted by hand, UTC, across leap years and centuries") {
  CHECK(amz_date(0) == "19700101T000000Z");
  CHECK(amz_date(1440938160) == "20150830T123600Z");
  CHECK(amz_date(951782400) == "20000229T000000Z");       // 2000 is a leap year
  CHECK(amz_date(4107542400 - 1) == "21000228T235959Z");  // 2100 is not a leap year
  CHECK(amz_date(4107542400) == "21000301T000000Z");
  CHECK(amz_date(253402300799) == "99991231T235959Z");
  CHECK(amz_short_date(1700000000) == "20231114");
  for (std::int64_t t = -100000000; t < 300000000000; t += 77777777) {
    CHECK_MESSAGE(epoch_from_utc(utc_from_epoch(t)) == t, t);
  }
}

TEST_CASE("SigV4: a session token is signed, or added unsigned with omit_session_token") {
  HttpRequest r{"GET", "/", {}, {{"Host", "example.amazonaws.com"}}, {}};
  SigningParams p{{"AKID", "SECRET", "TOKEN/+="}, "us-east-1", "service", 1440938160};
  HeaderSignature hs;
  REQUIRE(sign_headers(r, p, hs).ok());
  CHECK(hs.signed_headers == "host;x-amz-date;x-amz-security-token");
  REQUIRE(hs.added_headers.size() == 3);
  CHECK(hs.added_headers[0].name == "X-Amz-Security-Token");
  CHECK(hs.added_headers[0].value == "TOKEN/+=");
  Presigned ps;
  REQUIRE(presign(r, p, ps).ok());
  CHECK(ps.canonical_request.find("X-Amz-Security-Token=TOKEN%2F%2B%3D") != std::string::npos);
  CHECK(ps.query_string().find("&X-Amz-Security-Token=TOKEN%2F%2B%3D&X-Amz-Signature=") != std::string::npos);

  p.omit_session_token = true;
  REQUIRE(sign_headers(r, p, hs).ok());
  CHECK(hs.signed_headers == "host;x-amz-date");
  CHECK(hs.added_headers[0].name == "X-Amz-Security-Token");
  REQUIRE(presign(r, p, ps).ok());
  CHECK(ps.canonical_request.find("Security-Token") == std::string::npos);
  CHECK(ps.query_string().find("X-Amz-Security-Token=") != std::string::npos);
}

TEST_CASE("SigV4: the request's own Authorization and X-Amz-Date are replaced, agent headers not signed") {
  HttpRequest r{"GET",
                "/",
                {},
                {{"Host", "example.amazonaws.com"},
                 {"Authorization", "old"},
                 {"X-Amz-Date", "19990101T000000Z"},
                 {"User-Agent", "x"},
                 {"Sec-Fetch-Mode", "cors"},
                 {"Proxy-Authorization", "p"},
                 {"My-Header", "  a \t b  "}},
                {}};
  SigningParams p{{"AKID", "SECRET", {}}, "us-east-1", "service", 1440938160};
  HeaderSignature hs;
  REQUIRE(sign_headers(r, p, hs).ok());
  CHECK(hs.signed_headers == "host;my-header;x-amz-date");
  CHECK(hs.canonical_request.find("my-header:a b\n") != std::string::npos);
  CHECK(hs.canonical_request.find("x-amz-date:20150830T123600Z\n") != std::string::npos);
}

TEST_CASE("SigV4: the payload hash is the body's SHA-256 or the request's x-amz-content-sha256") {
  HttpRequest r{"PUT", "/", {}, {{"Host", "h"}}, "hello"};
  SigningParams p{{"AKID", "SECRET", {}}, "us-east-1", "s3", 1440938160};
  HeaderSignature hs;
  REQUIRE(sign_headers(r, p, hs).ok());
  CHECK(hs.canonical_request.ends_with("\n2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
  r.headers.push_back({"x-amz-content-sha256", "UNSIGNED-PAYLOAD"});
  p.add_content_sha256 = true;  // already present: not added twice
  REQUIRE(sign_headers(r, p, hs).ok());
  CHECK(hs.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
  CHECK(hs.signed_headers == "host;x-amz-content-sha256;x-amz-date");
  CHECK(hs.added_headers.size() == 2);
}

TEST_CASE("SigV4: unusable input is refused with invalid_argument, without the secret in the message") {
  const HttpRequest good{"GET", "/", {}, {{"Host", "h"}}, {}};
  const SigningParams base{{"AKID", "TOPSECRET", {}}, "us-east-1", "service", 1440938160};
  auto refuses = [](const HttpRequest& r, const SigningParams& p) {
    HeaderSignature hs;
    Presigned ps;
    const Status a = sign_headers(r, p, hs);
    const Status b = presign(r, p, ps);
    return a.code() == ErrorCode::invalid_argument && b.code() == ErrorCode::invalid_argument &&
           a.message().find("TOPSECRET") == std::string::npos;
  };
  SigningParams p = base;
  p.credentials.access_key_id.clear();
  CHECK(refuses(good, p));
  p = base;
  p.credentials.secret_access_key.clear();
  CHECK(refuses(good, p));
  p = base;
  p.region.clear();
  CHECK(refuses(good, p));
  p = base;
  p.service.clear();
  CHECK(refuses(good, p));
  p = base;
  p.time = -1;
  CHECK(refuses(good, p));
  p = base;
  p.time = 253402300800;
  CHECK(refuses(good, p));
  CHECK(refuses(HttpRequest{"GET", "/", {}, {}, {}}, base));                                  // no Host
  CHECK(refuses(HttpRequest{"GET", "x", {}, {{"Host", "h"}}, {}}, base));                     // relative path
  CHECK(refuses(HttpRequest{"", "/", {}, {{"Host", "h"}}, {}}, base));                        // no method
  CHECK(refuses(HttpRequest{"GET", "/", {}, {{"Host", "h"}, {"Bad Name", "v"}}, {}}, base));  // not a token
  CHECK(refuses(HttpRequest{"GET", "/", {}, {{"Host", "h"}, {"X", "a\r\nInjected: 1"}}, {}}, base));
  Presigned ps;
  p = base;
  p.expires_in = 0;
  CHECK(presign(good, p, ps).code() == ErrorCode::invalid_argument);
  p.expires_in = max_presign_expires + 1;
  CHECK(presign(good, p, ps).code() == ErrorCode::invalid_argument);
  p.expires_in = max_presign_expires;
  CHECK(presign(good, p, ps).ok());
  CHECK(presign(HttpRequest{"GET", "/", {{"X-Amz-Signature", "x"}}, {{"Host", "h"}}, {}}, base, ps).code() ==
        ErrorCode::invalid_argument);
}
