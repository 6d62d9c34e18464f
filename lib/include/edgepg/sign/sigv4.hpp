// AWS Signature Version 4 (HMAC-SHA256): header signing (an Authorization header) and query presigning (a URL that
// carries its own signature). Sans-IO and deterministic: the signing time is an input, the core never reads a clock.
//
//   sign::HttpRequest req{"GET", "/", {{"Action", "connect"}}, {{"Host", "example.amazonaws.com"}}};
//   sign::SigningParams p{creds, "us-east-1", "rds-db", epoch_seconds};
//   sign::HeaderSignature hs;  if (auto s = sign::sign_headers(req, p, hs); !s) ...   // add hs.added_headers
//   sign::Presigned ps;        if (auto s = sign::presign(req, p, ps); !s) ...       // ps.query_string()
//
// Canonicalisation follows AWS's rules and the awslabs/aws-c-auth v4 test suite:
// - path: with normalize_path, dot segments are removed and duplicate slashes collapsed; with uri_escape_path
//   (every service but S3) the path is percent-encoded once more, '/' kept ("double encoding" of an already
//   encoded path); S3 sets both to false and the path is signed exactly as given.
// - query: keys and values are given decoded, percent-encoded here (unreserved A-Z a-z 0-9 - _ . ~ kept, every
//   other byte %XX uppercase), sorted by encoded key then encoded value.
// - headers: names lowercased, values trimmed with inner runs of blanks collapsed to one space, repeated names
//   joined with ',' in the order given, sorted by name. Hop-by-hop and agent headers are not signed (authorization,
//   cache-control, connection, expect, from, keep-alive, max-forwards, pragma, referer, te, trailer,
//   transfer-encoding, upgrade, user-agent, x-amzn-trace-id, proxy-*, sec-*).
// - payload hash: the request's own x-amz-content-sha256 header when present, else hex SHA-256 of the body.
// - header signing replaces (neither signs nor keeps) the request's own X-Amz-Date, and its X-Amz-Security-Token
//   when credentials carry a session token. Presigning signs the headers as given (no hoisting into the query).
//
// Errors (ErrorCode::invalid_argument, the message names the field, never a secret): empty access key id, secret,
// region or service; empty method; a path not starting with '/'; no Host header; a header name that is empty or not a
// token, a header value with CR, LF or NUL; expires_in outside 1..604800; a presign request whose query already
// carries an X-Amz-* signing parameter.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edgepg/status.hpp"

namespace edgepg::sign {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none (long-term keys)
};

struct Header {
  std::string name;
  std::string value;
};

// One query parameter, decoded (the signer percent-encodes). A key without '=' on the wire has an empty value.
struct QueryParam {
  std::string key;
  std::string value;
};

struct HttpRequest {
  std::string method;             // "GET", "POST" ... (used verbatim)
  std::string path = "/";         // the path without the query, as the request line carries it
  std::vector<QueryParam> query;  // in the order they should appear on the wire
  std::vector<Header> headers;    // must include Host (with ":port" when the port is not the scheme's default)
  std::string body;               // hashed for the payload hash unless x-amz-content-sha256 is among the headers
};

// The largest X-Amz-Expires AWS accepts: one week.
inline constexpr std::uint32_t max_presign_expires = 7 * 24 * 60 * 60;

struct SigningParams {
  Credentials credentials;
  std::string region;               // "us-east-1"
  std::string service;              // "rds-db", "s3", ...
  std::int64_t time = 0;            // signing time, UTC seconds since the Unix epoch
  bool normalize_path = true;       // remove dot segments, collapse '//' (false for S3)
  bool uri_escape_path = true;      // percent-encode the path again (false for S3)
  bool add_content_sha256 = false;  // header signing: add and sign x-amz-content-sha256 (S3, Glacier)
  bool omit_session_token = false;  // add the session token after signing, unsigned (some services want this)
  std::uint32_t expires_in = 3600;  // presign only: X-Amz-Expires, 1..max_presign_expires
};

// Header signing's results. added_headers are what the caller adds to the request, in this order:
// X-Amz-Date, X-Amz-Security-Token (with a session token), x-amz-content-sha256 (when asked), Authorization.
struct HeaderSignature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;       // 64 lowercase hex digits
  std::string signed_headers;  // "host;x-amz-date"
  std::string authorization;   // the Authorization header's value
  std::vector<Header> added_headers;
};

// Presigning's results. query is the request's own parameters followed by X-Amz-Algorithm, X-Amz-Credential,
// X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Expires, X-Amz-Security-Token (with a session token), X-Amz-Signature.
struct Presigned {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  std::string signed_headers;
  std::vector<QueryParam> query;

  // query percent-encoded and joined with '&', in the order above.
  [[nodiscard]] std::string query_string() const;
};

Status sign_headers(const HttpRequest& request, const SigningParams& params, HeaderSignature& out);
Status presign(const HttpRequest& request, const SigningParams& params, Presigned& out);

// ---- building blocks, exposed for tests and for callers that assemble their own requests ----

// AWS percent-encoding: unreserved bytes A-Z a-z 0-9 - _ . ~ kept, every other byte as %XX (uppercase hex);
// with keep_slash, '/' is kept too (paths).
std::string uri_encode(std::string_view text, bool keep_slash = false);
// Dot segments removed and empty segments dropped, keeping a leading and (for a non-empty result) a trailing '/'.
std::string normalize_path(std::string_view path);
// "k=v&k2=v2": encoded, sorted by encoded key then encoded value.
std::string canonical_query(const std::vector<QueryParam>& query);
// The signing key: HMAC chain over "AWS4"+secret, date (YYYYMMDD), region, service, "aws4_request".
std::array<std::uint8_t, 32> derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                                                std::string_view service);
// "20150830T123600Z" and "20150830" for a Unix time (UTC); years 0000..9999, proleptic Gregorian.
std::string amz_date(std::int64_t epoch_seconds);
std::string amz_short_date(std::int64_t epoch_seconds);

// Calendar conversion done by hand (no C++20 <chrono> calendar: the wasm toolchain's libc++ lacks it).
struct UtcDateTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
};
UtcDateTime utc_from_epoch(std::int64_t epoch_seconds) noexcept;
std::int64_t epoch_from_utc(const UtcDateTime& t) noexcept;

}  // namespace edgepg::sign
