// The embind declarations: the whole surface the JS package sees. Conversions live in the *_binding.cpp files.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <string>
#include <string_view>

#include "auth/nfkc.hpp"
#include "cache_binding.hpp"
#include "cloud_binding.hpp"
#include "crypto/crypto.hpp"
#include "jwt_binding.hpp"
#include "sign_binding.hpp"
#include "wasm_connection.hpp"

using namespace edgepg::bindings;

// SASLprep's NFKC step in the wasm module (CMake: EDGEPG_NFKC_TABLES OFF): the JS runtime's
// String.prototype.normalize('NFKC') (ECMAScript, every runtime edgepg supports; UAX #15 as the tables are),
// which keeps the UCD tables (about 40 KB gzipped) out of the module. Writes up to `cap` code points at `dst` and
// returns how many there are (`in` is a JS keyword: the parameters are src and dst). A non-ASCII password's code points
// cross here (JS gave the password in the first place).
EM_JS(int, edgepg_js_nfkc, (const char32_t* src, int count, char32_t* dst, int cap), {
  let s = "";
  for (let i = 0; i < count; i++) s += String.fromCodePoint(HEAPU32[(src >> 2) + i]);
  let n = 0;
  for (const ch of s.normalize('NFKC')) {
    if (n < cap) HEAPU32[(dst >> 2) + n] = ch.codePointAt(0);
    n++;
  }
  return n;
});

namespace edgepg::auth {

std::u32string nfkc(std::u32string_view input) {
  std::u32string out(input.size() * 4 + 4, U'\0');
  for (;;) {
    const int n =
        edgepg_js_nfkc(input.data(), static_cast<int>(input.size()), out.data(), static_cast<int>(out.size()));
    if (static_cast<std::size_t>(n) <= out.size()) {
      out.resize(static_cast<std::size_t>(n));
      return out;
    }
    out.assign(static_cast<std::size_t>(n), U'\0');  // a longer result (U+FDFA is 18 code points): once more
  }
}

}  // namespace edgepg::auth

EMSCRIPTEN_BINDINGS(edgepg_core) {
  // The module has no filesystem (-sFILESYSTEM=0): OpenSSL must not look for its configuration file, which it
  // would otherwise do on the first name lookup (OBJ_sn2nid, e.g. when a JWKS key is built).
  edgepg::crypto::load_no_config_file();
  // Read once when the module loads: the error registry's names by code, and the event tape's tags.
  emscripten::function("errorNames", &error_names);
  emscripten::function("tapeTags", &tape_tags);

  emscripten::value_object<CallResult>("CallResult")
      .field("code", &CallResult::code)
      .field("name", &CallResult::name)
      .field("message", &CallResult::message)
      .field("value", &CallResult::value);
  emscripten::value_object<LookupOut>("LookupOut")
      .field("hasValue", &LookupOut::has_value)
      .field("value", &LookupOut::value)
      .field("load", &LookupOut::load)
      .field("loading", &LookupOut::loading)
      .field("error", &LookupOut::error);

  emscripten::class_<WasmConnection>("Connection")
      .constructor<const std::string&, const std::string&, const std::string&, const std::string&, double>()
      .function("requestBuffer", &WasmConnection::request_buffer)
      .function("header", &WasmConnection::header)
      .function("addStartupParameter", &WasmConnection::add_startup_parameter)
      .function("setAuthPolicy", &WasmConnection::set_auth_policy)
      .function("setNotificationsWanted", &WasmConnection::set_notifications_wanted)
      .function("start", &WasmConnection::start)
      .function("providePassword", &WasmConnection::provide_password)
      .function("pipelinePassword", &WasmConnection::pipeline_password)
      .function("receive", &WasmConnection::receive)
      .function("query", &WasmConnection::query)
      .function("queryParams", &WasmConnection::query_params)
      .function("setRawTypes", &WasmConnection::set_raw_types)
      .function("scramKeys", &WasmConnection::scram_keys)
      .function("useScramKeys", &WasmConnection::use_scram_keys)
      .function("scramUsedCachedKeys", &WasmConnection::scram_used_cached_keys)
      .function("cancelRequest", &WasmConnection::cancel_request)
      .function("terminate", &WasmConnection::terminate)
      .function("markClosed", &WasmConnection::mark_closed)
      .function("clearOutput", &WasmConnection::clear_output)
      .function("lastError", &WasmConnection::last_error);

  emscripten::class_<WasmJwtVerifier>("JwtVerifier")
      .constructor<>()
      .function("setJwks", &WasmJwtVerifier::set_jwks)
      .function("setSecret", &WasmJwtVerifier::set_secret)
      .function("setOptions", &WasmJwtVerifier::set_options)
      .function("verify", &WasmJwtVerifier::verify)
      .function("claims", &WasmJwtVerifier::claims)
      .function("exp", &WasmJwtVerifier::exp)
      .function("lastErrorMessage", &WasmJwtVerifier::last_error_message);
  emscripten::function("roleFromClaims", &role_from_claims);

  emscripten::class_<WasmTokenCache>("TokenCache")
      .constructor<double, double, double, double, double>()
      .function("lookup", &WasmTokenCache::lookup)
      .function("peek", &WasmTokenCache::peek)
      .function("completeLoad", &WasmTokenCache::complete_load)
      .function("failLoad", &WasmTokenCache::fail_load)
      .function("invalidate", &WasmTokenCache::invalidate)
      .function("invalidateTag", &WasmTokenCache::invalidate_tag)
      .function("clear", &WasmTokenCache::clear)
      .function("size", &WasmTokenCache::size);

  emscripten::function("rdsAuthToken", &rds_auth_token);

  // Cloud token exchanges (cloud_binding.hpp): the core builds requests and reads answers, JS fetches.
  emscripten::value_object<CloudRequestOut>("CloudRequest")
      .field("code", &CloudRequestOut::code)
      .field("name", &CloudRequestOut::name)
      .field("message", &CloudRequestOut::message)
      .field("method", &CloudRequestOut::method)
      .field("url", &CloudRequestOut::url)
      .field("headers", &CloudRequestOut::headers)
      .field("body", &CloudRequestOut::body);
  emscripten::value_object<AwsCredentialsOut>("AwsCredentialsAnswer")
      .field("code", &AwsCredentialsOut::code)
      .field("name", &AwsCredentialsOut::name)
      .field("message", &AwsCredentialsOut::message)
      .field("detail", &AwsCredentialsOut::detail)
      .field("accessKeyId", &AwsCredentialsOut::access_key_id)
      .field("secretAccessKey", &AwsCredentialsOut::secret_access_key)
      .field("sessionToken", &AwsCredentialsOut::session_token)
      .field("expiration", &AwsCredentialsOut::expiration);
  emscripten::value_object<AccessTokenOut>("AccessTokenAnswer")
      .field("code", &AccessTokenOut::code)
      .field("name", &AccessTokenOut::name)
      .field("message", &AccessTokenOut::message)
      .field("detail", &AccessTokenOut::detail)
      .field("accessToken", &AccessTokenOut::access_token)
      .field("expiresAt", &AccessTokenOut::expires_at);
  emscripten::function("awsWebIdentityRequest", &aws_web_identity_request);
  emscripten::function("parseAwsWebIdentity", &parse_aws_web_identity);
  emscripten::function("gcpStsRequest", &gcp_sts_request);
  emscripten::function("parseGcpSts", &parse_gcp_sts);
  emscripten::function("gcpImpersonationRequest", &gcp_impersonation_request);
  emscripten::function("parseGcpImpersonation", &parse_gcp_impersonation);
  emscripten::function("azureTokenRequest", &azure_token_request);
  emscripten::function("parseAzureToken", &parse_azure_token);
  emscripten::function("sha256Hex", &sha256_hex);
  emscripten::function("pbkdf2Count", &pbkdf2_count);
}
