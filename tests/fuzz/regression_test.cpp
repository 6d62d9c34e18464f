// The fuzz targets' secret-leak oracle (fuzz_util.hpp) checked on its own, one case per invariant: each plants its
// secret the way its target does, runs the code under test on an input whose own text turns up in the message
// template (issue #19: a token's "signature" that was a piece of the message refusing it), and checks that the
// oracle stays quiet there, fires on a real leak, and forgives a piece the input spelled out itself.
// Built and run by `scripts/fuzz --regress` (clang, ASan + UBSan, doctest), after the corpus replay.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sanitizer/asan_interface.h>

#include <string>
#include <string_view>
#include <vector>

#include "../unit/jwt_test_vectors.hpp"
#include "edgepg/auth/scram_client.hpp"
#include "edgepg/jwt/claims.hpp"
#include "edgepg/jwt/jwk.hpp"
#include "edgepg/jwt/jwt.hpp"
#include "edgepg/pg/connection.hpp"
#include "event_tape.hpp"
#include "fuzz_util.hpp"

using namespace edgepg;
namespace fz = edgepg::fuzz;
namespace planted = edgepg::fuzz::planted;

namespace {

const jwt::JwkSet& test_keys() {
  static const jwt::JwkSet set = [] {
    jwt::JwkSet s;
    REQUIRE(jwt::parse_jwks(jwt_vectors::kJwks, s).ok());
    return s;
  }();
  return set;
}

jwt::VerifyOptions junk_token_options() {  // as jwt_fuzz.cpp's junk-token case
  jwt::VerifyOptions opt;
  opt.algorithms = {"RS256", "ES256", "EdDSA", "PS256"};
  return opt;
}

// Every secret the jwt target plants.
bool jwt_leak(std::string_view message, std::string_view input) {
  for (const fz::Secret* s : {&planted::hmac_secret(), &planted::signature64(), &planted::signature256(),
                              &planted::json_value(), &planted::jwk_key()}) {
    if (s->leaks(message, input)) return true;
  }
  return false;
}

bool holds(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

}  // namespace

TEST_CASE("leak oracle: any 12-byte window of any form of the secret, unless the input holds that window") {
  const fz::Secret s("0123456789abcdefghijKLMNOP");  // not random: only for reading the cases below
  CHECK(s.leaks("x 0123456789abcdefghijKLMNOP y", ""));
  CHECK(s.leaks("x 56789abcdefg y", ""));                           // 12 bytes from the middle
  CHECK_FALSE(s.leaks("x 56789abcdef y", ""));                      // 11 bytes: not enough to call it a leak
  CHECK_FALSE(s.leaks("x 56789abcdefg y", "input: 56789abcdefg"));  // the attacker spelled it first
  CHECK(s.leaks("x 56789abcdefg and cdefghijKLMN y", "input: 56789abcdefg"));
  // The other forms: hex, base64, base64url.
  CHECK(s.leaks(fz::encode::hex("0123456789abcdefghijKLMNOP"), ""));
  CHECK(s.leaks("MDEyMzQ1Njc4OWFiY2RlZmdoaWpLTE1OT1A", ""));
  // A secret shorter than the window is looked for whole.
  const fz::Secret pw("pw-7x");
  CHECK(pw.leaks("the password pw-7x", ""));
  CHECK_FALSE(pw.leaks("the password pw-7", ""));
  // The planted secrets' text and bytes agree.
  CHECK(planted::signature64().raw().size() == 64);
  CHECK(planted::signature256().raw().size() == 256);
  CHECK(planted::jwk_key().raw().size() == 32);
  CHECK(fz::encode::base64(planted::signature64().raw(), true) == planted::signature64().text());
}

TEST_CASE("issue #19: a junk token whose \"signature\" is a piece of the message that refuses it") {
  // The jwt target's input, as committed in tests/fuzz/corpus/jwt/regression-issue19-template-echo.
  const std::string token = "eyJhbOZCI6ImVkLTEifQ.en is not a JWS compact serialisation ";
  jwt::Claims claims;
  const Status s = jwt::verify_jwt(token, test_keys(), junk_token_options(), 1'800'000'000, claims);
  REQUIRE(s.code() == ErrorCode::jwt_malformed);
  // What the old oracle looked for (the text after the dot, 16 bytes or more) is in the message: not a leak, the
  // template's own wording.
  const std::string after_dot = token.substr(token.find('.') + 1);
  CHECK(after_dot.size() >= 16);
  CHECK(holds(s.message(), after_dot));
  // The oracle now looks for the secrets the harness plants, and finds none.
  CHECK_FALSE(jwt_leak(s.message(), token));
  // The same token with the harness's planted signature appended: refused, nothing leaked.
  for (const fz::Secret* sig : {&planted::signature64(), &planted::signature256()}) {
    const std::string planted_token = token + "." + sig->text();
    const Status p = jwt::verify_jwt(planted_token, test_keys(), junk_token_options(), 0, claims);
    CHECK_FALSE(p.ok());
    CHECK_FALSE(jwt_leak(p.message(), token));
  }
  // A message that did quote the token's planted signature, even 12 bytes of it, would be caught.
  const std::string echo = "the token " + token + "." + planted::signature64().text().substr(30, 12) + " is bad";
  CHECK(planted::signature64().leaks(echo, token));
  // The other template coincidence fuzzing found (the charset message), through a whole three-part token.
  const std::string token2 = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.A-Z a-z 0-9 - _); check that it was n";
  const Status s2 = jwt::verify_jwt(token2, test_keys(), junk_token_options(), 0, claims);
  CHECK(holds(s2.message(), "A-Z a-z 0-9 - _); check that it was n"));
  CHECK_FALSE(jwt_leak(s2.message(), token2));
}

TEST_CASE("jwt: the HMAC secret and the computed HS256 signature") {
  const std::string secret = planted::hmac_secret().raw();
  const auto key = fz::bytes_of(secret);
  jwt::VerifyOptions opt;
  jwt::Claims claims;
  // A token signed with another secret, whose signature part spells template words: refused, nothing leaked.
  const std::string token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.the-tokens-signature-does-not-verify";
  const Status s = jwt::verify_jwt_hmac(token, key, opt, 0, claims);
  CHECK_FALSE(s.ok());
  CHECK_FALSE(jwt_leak(s.message(), token));
  // A message holding the secret, or its hex, or 12 bytes of it, is a leak; unless the token itself holds them.
  CHECK(planted::hmac_secret().leaks("bad key " + secret, token));
  CHECK(planted::hmac_secret().leaks("bad key " + fz::encode::hex(secret), token));
  CHECK(planted::hmac_secret().leaks("bad key " + secret.substr(5, 12), token));
  CHECK_FALSE(planted::hmac_secret().leaks("bad key " + secret, "token." + secret));
  // The computed signature, as jwt_fuzz.cpp's signed case builds its Secret.
  const std::string mac(32, '\x5a');
  const fz::Secret computed(mac, fz::encode::base64(mac, true));
  CHECK(computed.leaks("signature " + fz::encode::base64(mac, true), token));
  CHECK_FALSE(computed.leaks(s.message(), token));
}

TEST_CASE("jwt: a planted JSON value (claim, header member) never shows; a claim value equal to template text may") {
  // plant(): "@" in value position becomes the secret; a member name "@" or a string elsewhere does not.
  const std::string v = planted::json_value().text();
  CHECK(fz::plant(R"({"role":"@","a":["@",1],"@":2, "x" : "@"})", planted::json_value()) ==
        R"({"role":")" + v + R"(","a":[")" + v + R"(",1],"@":2, "x" : ")" + v + R"("})");
  const std::vector<std::string> allowed = {"app_user", "viewer"};
  const std::string path = "role";
  std::string role;
  // A role value that is the template's own wording: the message holds that claim value, and that is no leak.
  {
    const std::string json = R"({"role":"is not in the allowed roles list"})";
    jwt::Claims c;
    REQUIRE(jwt::Claims::parse(json, c).ok());
    const Status s = jwt::role_from_claims(c, path, allowed, role);
    CHECK(s.code() == ErrorCode::jwt_role_not_allowed);
    CHECK(holds(s.message(), "is not in the allowed roles list"));
    CHECK_FALSE(jwt_leak(s.message(), json));
  }
  // The planted value as the role, an audience and an issuer: refused, never named.
  {
    const std::string input = R"({"role":"@","aud":["@"],"iss":"@","sub":"@"})";
    const std::string json = fz::plant(input, planted::json_value());
    jwt::Claims c;
    REQUIRE(jwt::Claims::parse(json, c).ok());
    const Status s = jwt::role_from_claims(c, path, allowed, role);
    CHECK(s.code() == ErrorCode::jwt_role_not_allowed);
    CHECK_FALSE(jwt_leak(s.message(), input));
    jwt::ClaimsPolicy p;
    p.audience = {"api"};
    const Status a = jwt::check_claims(c, p, 0);
    CHECK(a.code() == ErrorCode::jwt_claim);
    CHECK_FALSE(jwt_leak(a.message(), input));
    p.audience.clear();
    p.issuer = {"https://issuer.example"};
    const Status i = jwt::check_claims(c, p, 0);
    CHECK(i.code() == ErrorCode::jwt_claim);
    CHECK_FALSE(jwt_leak(i.message(), input));
    CHECK(planted::json_value().leaks("the role \"" + v + "\" is not allowed", input));
  }
}

TEST_CASE("jwt: a JWK's planted private key never shows; its public members may") {
  const std::string k = planted::jwk_key().text();
  const auto plant_jwk = [](std::string_view doc) {  // as jwt_fuzz.cpp
    return fz::plant(doc, planted::jwk_key(), {"k", "d", "p", "q", "dp", "dq", "qi"});
  };
  CHECK(plant_jwk(R"({"kty":"oct","k":"@","crv":"@","d" : "@"})") ==
        R"({"kty":"oct","k":")" + k + R"(","crv":"@","d" : ")" + k + R"("})");
  const std::string input = R"({"keys":[{"kty":"oct","k":"@"},{"kty":"EC","crv":"P-256","d":"@","x":"AA","y":"AA"}]})";
  jwt::JwkSet set;
  const Status s = jwt::parse_jwks(plant_jwk(input), set);
  CHECK_FALSE(s.ok());
  CHECK_FALSE(jwt_leak(s.message(), input));
  CHECK(planted::jwk_key().leaks("the key " + k + " is unusable", input));
}

TEST_CASE("scram: the password and the cached keys; a server echoing template words or the password itself") {
  const std::string nonce = "fyko+d2lbbFgONRv9qkxdawL";
  const auto leak = [](std::string_view message, std::string_view input) {
    return planted::password().leaks(message, input) || planted::client_key().leaks(message, input) ||
           planted::server_key().leaks(message, input);
  };
  for (const std::string server_first : {std::string("e=SCRAM authentication failed"), std::string("e=pencil-Zq8#u1"),
                                         "r=" + nonce + "x,s=@@@,i=4096"}) {
    auth::ScramClient c(planted::password().raw(), nonce);
    auth::ScramKeys keys;
    std::copy(std::begin(planted::kClientKey), std::end(planted::kClientKey), keys.client_key.begin());
    std::copy(std::begin(planted::kServerKey), std::end(planted::kServerKey), keys.server_key.begin());
    c.use_cached_keys(keys, "W22ZaJ0SNY7soEsUEjb6gQ==", 4096);
    (void)c.client_first();
    std::string final;
    const Status s = c.handle_server_first(server_first, final);
    CHECK(s.code() == ErrorCode::auth);
    CHECK_FALSE(leak(s.message(), server_first));
  }
  // After a valid server-first: the client-final holds the proof, not a key; a forged server-final is refused.
  auth::ScramClient c(planted::password().raw(), nonce);
  auth::ScramKeys keys;
  std::copy(std::begin(planted::kClientKey), std::end(planted::kClientKey), keys.client_key.begin());
  std::copy(std::begin(planted::kServerKey), std::end(planted::kServerKey), keys.server_key.begin());
  c.use_cached_keys(keys, "W22ZaJ0SNY7soEsUEjb6gQ==", 4096);
  (void)c.client_first();
  const std::string first = "r=" + nonce + "3rfcNHYJY1ZVvWVs7j,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  std::string final;
  REQUIRE(c.handle_server_first(first, final).ok());
  CHECK_FALSE(leak(final, first));
  const Status f = c.verify_server_final("v=SCRAM authentication failed");
  CHECK(f.code() == ErrorCode::auth);
  CHECK_FALSE(leak(f.message(), first));
  CHECK(planted::client_key().leaks("key " + fz::encode::base64(planted::client_key().raw(), false), first));
  CHECK(planted::password().leaks("password pencil-Zq8#u1", first));
}

TEST_CASE("connection: the password never shows in a failure, even when the server's bytes spell template words") {
  pg::ConnectionOptions o;
  o.user = "alice";
  o.database = "db";
  bindings::EventTape tape;
  pg::Connection c(o, tape);
  (void)c.provide_password(planted::password().raw());
  REQUIRE(c.start().ok());
  c.clear_output();
  // A length below 4, then bytes that happen to read like a message template.
  const std::string bytes = std::string("R\0\0\0\x02", 5) + "server sent a message length below 4";
  const Status s = c.receive(fz::bytes_of(bytes));
  CHECK_FALSE(s.ok());
  CHECK_FALSE(planted::password().leaks(s.message(), bytes));
  CHECK(planted::password().leaks("authentication failed for pencil-Zq8#u1", bytes));
  CHECK_FALSE(planted::password().leaks("authentication failed for pencil-Zq8#u1", "E...pencil-Zq8#u1"));
}

TEST_CASE("leak oracle: a union of secrets finds what each finds; plant() substitutes only value positions") {
  const fz::Secret a("first-secret-0123456789");
  const fz::Secret b("second-secret-abcdefghij");
  const fz::Secret any{&a, &b};
  CHECK(any.leaks("x first-secret-01 y", ""));
  CHECK(any.leaks("x d-secret-abcdef y", ""));
  CHECK(any.leaks(fz::encode::hex("second-secret-abcdefghij").substr(4, 12), ""));
  CHECK_FALSE(any.leaks("x first-secre y", ""));
  CHECK_FALSE(any.leaks("", ""));
  CHECK(fz::plant(R"(["@"])", a) == R"([")" + a.text() + R"("])");
  CHECK(fz::plant(R"({"@":"@@"})", a) == R"({"@":"@@"})");
  CHECK(fz::plant(R"("@")", a) == R"("@")");
  CHECK(fz::plant(R"({"kk":"@","k" :  "@"})", a, {"k"}) == R"({"kk":"@","k" :  ")" + a.text() + R"("})");
}

TEST_CASE("ChunkArena: only the current chunk is addressable, as if it were its own heap block") {
  const std::string stream = "0123456789abcdefghij";
  fz::ChunkArena arena(stream.size(), 3);
  const fz::Bytes a = arena.place(fz::bytes_of(stream).subspan(0, 3));
  CHECK(fz::text_of(a) == "012");
  CHECK_FALSE(__asan_address_is_poisoned(a.data()));
  CHECK_FALSE(__asan_address_is_poisoned(a.data() + 2));
  CHECK(__asan_address_is_poisoned(a.data() + 3));  // one past the end
  CHECK(__asan_address_is_poisoned(a.data() - 1));  // one before the start
  const fz::Bytes b = arena.place(fz::bytes_of(stream).subspan(3, 17));
  CHECK(fz::text_of(b) == "3456789abcdefghij");
  CHECK(__asan_address_is_poisoned(a.data()));  // a pointer kept into the previous chunk
  CHECK(__asan_address_is_poisoned(b.data() + 17));
  CHECK(__asan_address_is_poisoned(b.data() - 1));
  CHECK(b.data() > a.data() + 3);  // chunks never share addresses
}
