#include "edgepg/sign/sigv4.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "crypto/crypto.hpp"
#include "util/civil_date.hpp"
#include "util/hex.hpp"

namespace edgepg::sign {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
// 9999-12-31T23:59:59Z: the last second an amz-date (four-digit year) can express.
constexpr std::int64_t kMaxEpoch = 253402300799;

bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

// RFC 7230 §3.2.6 tchar: what a header field name may consist of.
bool is_tchar(unsigned char c) noexcept {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// AWS header value canonicalisation: trim, and collapse each inner run of blanks to one space.
std::string canonical_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (const char c : v) {
    if (is_blank(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// Headers AWS SDKs never sign: hop-by-hop, agent-specific or rewritten by proxies.
bool is_unsignable(std::string_view lower_name) noexcept {
  static constexpr std::string_view kNames[] = {
      "authorization", "cache-control",     "connection", "expect",     "from",
      "keep-alive",    "max-forwards",      "pragma",     "referer",    "te",
      "trailer",       "transfer-encoding", "upgrade",    "user-agent", "x-amzn-trace-id",
  };
  for (const auto n : kNames) {
    if (lower_name == n) return true;
  }
  return lower_name.starts_with("proxy-") || lower_name.starts_with("sec-");
}

Status check_common(const HttpRequest& request, const SigningParams& params) {
  if (params.credentials.access_key_id.empty()) return {ErrorCode::invalid_argument, "sigv4: access key id is empty"};
  if (params.credentials.secret_access_key.empty())
    return {ErrorCode::invalid_argument, "sigv4: secret access key is empty"};
  if (params.region.empty()) return {ErrorCode::invalid_argument, "sigv4: region is empty"};
  if (params.service.empty()) return {ErrorCode::invalid_argument, "sigv4: service is empty"};
  if (params.time < 0 || params.time > kMaxEpoch) {
    return {ErrorCode::invalid_argument, "sigv4: signing time is outside 1970..9999"};
  }
  if (request.method.empty()) return {ErrorCode::invalid_argument, "sigv4: request method is empty"};
  if (request.path.empty() || request.path.front() != '/') {
    return {ErrorCode::invalid_argument, "sigv4: request path must start with '/'"};
  }
  bool host = false;
  for (const auto& h : request.headers) {
    if (h.name.empty() ||
        !std::all_of(h.name.begin(), h.name.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); })) {
      return {ErrorCode::invalid_argument, "sigv4: a header name is empty or not an HTTP token"};
    }
    if (h.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return {ErrorCode::invalid_argument, "sigv4: header '" + h.name + "' has CR, LF or NUL in its value"};
    }
    if (ascii_lower(h.name) == "host") host = true;
  }
  if (!host) return {ErrorCode::invalid_argument, "sigv4: the request has no Host header"};
  return Status::success();
}

std::string payload_hash(const HttpRequest& request) {
  for (const auto& h : request.headers) {
    if (ascii_lower(h.name) == "x-amz-content-sha256") return canonical_value(h.value);
  }
  return util::hex_lower(crypto::sha256(crypto::bytes_of(request.body)));
}

std::string canonical_path(const HttpRequest& request, const SigningParams& params) {
  std::string path = params.normalize_path ? normalize_path(request.path) : request.path;
  return params.uri_escape_path ? uri_encode(path, true) : path;
}

struct CanonicalHeaders {
  std::string block;  // "name:value\n" per header
  std::string signed_list;
};

// skip(lower_name) says which request headers the signer replaces; extra are the signer's own (already lowercase).
template <typename Skip>
CanonicalHeaders canonical_headers(const HttpRequest& request, Skip skip, const std::vector<Header>& extra) {
  std::map<std::string, std::string> merged;  // ordered by name (bytewise), values joined in request order
  auto add = [&](const std::string& lower, std::string_view value) {
    auto [it, fresh] = merged.try_emplace(lower);
    if (!fresh) it->second += ',';
    it->second += canonical_value(value);
  };
  for (const auto& h : request.headers) {
    const std::string lower = ascii_lower(h.name);
    if (is_unsignable(lower) || skip(lower)) continue;
    add(lower, h.value);
  }
  for (const auto& h : extra) add(h.name, h.value);
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.block += name;
    out.block += ':';
    out.block += value;
    out.block += '\n';
    if (!out.signed_list.empty()) out.signed_list += ';';
    out.signed_list += name;
  }
  return out;
}

std::string credential_scope(const SigningParams& params) {
  return amz_short_date(params.time) + "/" + params.region + "/" + params.service + "/" + std::string(kTerminator);
}

// Canonical request -> string to sign -> signature.
void finish(const SigningParams& params, std::string& canonical_request, std::string& string_to_sign,
            std::string& signature) {
  const auto digest = crypto::sha256(crypto::bytes_of(canonical_request));
  string_to_sign = std::string(kAlgorithm) + "\n" + amz_date(params.time) + "\n" + credential_scope(params) + "\n" +
                   util::hex_lower(digest);
  auto key = derive_signing_key(params.credentials.secret_access_key, amz_short_date(params.time), params.region,
                                params.service);
  signature = util::hex_lower(crypto::hmac_sha256(key, crypto::bytes_of(string_to_sign)));
  crypto::cleanse(key.data(), key.size());
}

std::string two_digits(int v) {
  std::string s(2, '0');
  s[0] = static_cast<char>('0' + (v / 10) % 10);
  s[1] = static_cast<char>('0' + v % 10);
  return s;
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

std::string normalize_path(std::string_view path) {
  // RFC 3986 §5.2.4 "remove dot segments", and empty segments ('//') dropped, as AWS SDKs do.
  std::vector<std::string_view> segments;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t slash = path.find('/', pos);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view seg = path.substr(pos, end - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  std::string out;
  if (path.starts_with('/')) out += '/';
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  if (!segments.empty() && path.ends_with('/')) out += '/';
  return out;
}

std::string canonical_query(const std::vector<QueryParam>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& q : query) encoded.emplace_back(uri_encode(q.key), uri_encode(q.value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::array<std::uint8_t, 32> derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                                                std::string_view service) {
  std::string seed = "AWS4";
  seed += secret;
  auto k_date = crypto::hmac_sha256(crypto::bytes_of(seed), crypto::bytes_of(date));
  crypto::cleanse(seed.data(), seed.size());
  auto k_region = crypto::hmac_sha256(k_date, crypto::bytes_of(region));
  auto k_service = crypto::hmac_sha256(k_region, crypto::bytes_of(service));
  const auto k_signing = crypto::hmac_sha256(k_service, crypto::bytes_of(kTerminator));
  crypto::cleanse(k_date.data(), k_date.size());
  crypto::cleanse(k_region.data(), k_region.size());
  crypto::cleanse(k_service.data(), k_service.size());
  return k_signing;
}

UtcDateTime utc_from_epoch(std::int64_t epoch_seconds) noexcept {
  // Floor division: times before 1970 fall on the day before, with a positive second of that day.
  std::int64_t days = epoch_seconds / 86400;
  std::int64_t secs = epoch_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    days -= 1;
  }
  const util::CivilDate date = util::civil_from_days(days);
  UtcDateTime t;
  t.year = static_cast<int>(date.year);
  t.month = date.month;
  t.day = date.day;
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>(secs / 60 % 60);
  t.second = static_cast<int>(secs % 60);
  return t;
}

std::int64_t epoch_from_utc(const UtcDateTime& t) noexcept {
  const std::int64_t days = util::days_from_civil(t.year, t.month, t.day);
  return days * 86400 + static_cast<std::int64_t>(t.hour) * 3600 + static_cast<std::int64_t>(t.minute) * 60 + t.second;
}

std::string amz_short_date(std::int64_t epoch_seconds) {
  const UtcDateTime t = utc_from_epoch(epoch_seconds);
  std::string out = two_digits(t.year / 100) + two_digits(t.year % 100);
  out += two_digits(t.month);
  out += two_digits(t.day);
  return out;
}

std::string amz_date(std::int64_t epoch_seconds) {
  const UtcDateTime t = utc_from_epoch(epoch_seconds);
  std::string out = amz_short_date(epoch_seconds);
  out += 'T';
  out += two_digits(t.hour);
  out += two_digits(t.minute);
  out += two_digits(t.second);
  out += 'Z';
  return out;
}

std::string Presigned::query_string() const {
  std::string out;
  for (const auto& q : query) {
    if (!out.empty()) out += '&';
    out += uri_encode(q.key);
    out += '=';
    out += uri_encode(q.value);
  }
  return out;
}

Status sign_headers(const HttpRequest& request, const SigningParams& params, HeaderSignature& out) {
  out = HeaderSignature{};
  if (auto s = check_common(request, params); !s) return s;

  const std::string long_date = amz_date(params.time);
  const std::string hash = payload_hash(request);
  const bool token = !params.credentials.session_token.empty();
  bool has_content_sha = false;
  for (const auto& h : request.headers) {
    if (ascii_lower(h.name) == "x-amz-content-sha256") has_content_sha = true;
  }

  // The signer's own headers, lowercase for the canonical form; added_headers carries the wire spelling.
  std::vector<Header> extra{{"x-amz-date", long_date}};
  out.added_headers.push_back({"X-Amz-Date", long_date});
  if (token) {
    out.added_headers.insert(out.added_headers.begin(), {"X-Amz-Security-Token", params.credentials.session_token});
    if (!params.omit_session_token) extra.push_back({"x-amz-security-token", params.credentials.session_token});
  }
  if (params.add_content_sha256 && !has_content_sha) {
    extra.push_back({"x-amz-content-sha256", hash});
    out.added_headers.push_back({"x-amz-content-sha256", hash});
  }
  // A request's own Authorization / X-Amz-Date (and security token, when we add ours) are replaced, not signed.
  const auto skip = [token](const std::string& lower) {
    return lower == "x-amz-date" || (token && lower == "x-amz-security-token");
  };
  const CanonicalHeaders ch = canonical_headers(request, skip, extra);

  out.canonical_request = request.method + "\n" + canonical_path(request, params) + "\n" +
                          canonical_query(request.query) + "\n" + ch.block + "\n" + ch.signed_list + "\n" + hash;
  finish(params, out.canonical_request, out.string_to_sign, out.signature);
  out.signed_headers = ch.signed_list;
  out.authorization = std::string(kAlgorithm) + " Credential=" + params.credentials.access_key_id + "/" +
                      credential_scope(params) + ", SignedHeaders=" + ch.signed_list + ", Signature=" + out.signature;
  out.added_headers.push_back({"Authorization", out.authorization});
  return Status::success();
}

Status presign(const HttpRequest& request, const SigningParams& params, Presigned& out) {
  out = Presigned{};
  if (auto s = check_common(request, params); !s) return s;
  if (params.expires_in < 1 || params.expires_in > max_presign_expires) {
    return {ErrorCode::invalid_argument, "sigv4: expires_in must be 1..604800 seconds"};
  }
  for (const auto& q : request.query) {
    const std::string lower = ascii_lower(q.key);
    if (lower == "x-amz-algorithm" || lower == "x-amz-credential" || lower == "x-amz-date" ||
        lower == "x-amz-signedheaders" || lower == "x-amz-expires" || lower == "x-amz-security-token" ||
        lower == "x-amz-signature") {
      return {ErrorCode::invalid_argument, "sigv4: the query already has " + q.key};
    }
  }

  const CanonicalHeaders ch = canonical_headers(request, [](const std::string&) { return false; }, {});
  const bool token = !params.credentials.session_token.empty();

  out.query = request.query;
  out.query.push_back({"X-Amz-Algorithm", std::string(kAlgorithm)});
  out.query.push_back({"X-Amz-Credential", params.credentials.access_key_id + "/" + credential_scope(params)});
  out.query.push_back({"X-Amz-Date", amz_date(params.time)});
  out.query.push_back({"X-Amz-SignedHeaders", ch.signed_list});
  out.query.push_back({"X-Amz-Expires", std::to_string(params.expires_in)});
  std::vector<QueryParam> signed_query = out.query;
  if (token) {
    out.query.push_back({"X-Amz-Security-Token", params.credentials.session_token});
    if (!params.omit_session_token) signed_query.push_back(out.query.back());
  }

  out.canonical_request = request.method + "\n" + canonical_path(request, params) + "\n" +
                          canonical_query(signed_query) + "\n" + ch.block + "\n" + ch.signed_list + "\n" +
                          payload_hash(request);
  finish(params, out.canonical_request, out.string_to_sign, out.signature);
  out.signed_headers = ch.signed_list;
  out.query.push_back({"X-Amz-Signature", out.signature});
  return Status::success();
}

}  // namespace edgepg::sign
