#include "edgepg/auth/scram_client.hpp"

#include <doctest/doctest.h>

#include "crypto/crypto.hpp"

using namespace edgepg;
using namespace edgepg::auth;

namespace {
const char* const kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
}

TEST_CASE("SCRAM-SHA-256: RFC 7677 §3 example, exactly") {
  ScramClient c("pencil", "rOprNGfwEbeRWgbNEkqO", "user");
  CHECK(c.client_first() == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  std::string final;
  REQUIRE(c.handle_server_first(kServerFirst, final));
  CHECK(final ==
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  CHECK(c.verify_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
}

TEST_CASE("SCRAM-SHA-256: RFC 7677 example adapted to PostgreSQL's empty user name") {
  // Expected values computed independently (Python hashlib/hmac) for client-first-bare "n=,r=...".
  ScramClient c("pencil", "rOprNGfwEbeRWgbNEkqO");
  CHECK(c.client_first() == "n,,n=,r=rOprNGfwEbeRWgbNEkqO");
  std::string final;
  REQUIRE(c.handle_server_first(kServerFirst, final));
  CHECK(final ==
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=qvT2SWdEH5Q06albL+hjSYuUhCG7VndFyzIb7CK4n9k=");
  CHECK(c.verify_server_final("v=3HO6Qt1M4MKJrmlKaoOqLAI0/0TV0HZe7J9H3MBtSOg="));
}

TEST_CASE("SCRAM-SHA-256: a wrong server signature is refused") {
  ScramClient c("pencil", "rOprNGfwEbeRWgbNEkqO");
  std::string final;
  REQUIRE(c.handle_server_first(kServerFirst, final));
  const auto s = c.verify_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");  // signature for "n=user"
  CHECK(s.code() == ErrorCode::auth);
  CHECK(s.message().find("prove") != std::string::npos);
  CHECK(s.message().find("pencil") == std::string::npos);
}

TEST_CASE("SCRAM-SHA-256: hostile server-first messages") {
  const char* bad[] = {
      "r=someoneelse123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",                 // nonce not ours
      "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",           // nonce not extended
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=***,i=4096",                             // bad salt
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",           // no iterations
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4294967295",  // absurd iterations
      "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==",               // missing i
      "e=other-error",                                                      // server error
      "",
  };
  for (const char* msg : bad) {
    ScramClient c("pencil", "rOprNGfwEbeRWgbNEkqO");
    std::string final;
    CHECK_MESSAGE(c.handle_server_first(msg, final).code() == ErrorCode::auth, msg);
  }
}

TEST_CASE("SCRAM-SHA-256: out-of-order calls") {
  ScramClient c("pencil", "rOprNGfwEbeRWgbNEkqO");
  CHECK(c.verify_server_final("v=abc").code() == ErrorCode::invalid_state);
}

TEST_CASE("SCRAM-SHA-256: cached keys skip PBKDF2 and give the same proof") {
  ScramClient first("pencil", "rOprNGfwEbeRWgbNEkqO");
  std::string final1;
  REQUIRE(first.handle_server_first(kServerFirst, final1));
  const auto before = crypto::pbkdf2_count();
  ScramClient second("pencil", "rOprNGfwEbeRWgbNEkqO");
  second.use_cached_keys(first.keys(), first.salt_b64(), first.iterations());
  std::string final2;
  REQUIRE(second.handle_server_first(kServerFirst, final2));
  CHECK(crypto::pbkdf2_count() == before);
  CHECK(second.used_cached_keys());
  CHECK(final2 == final1);

  // Another salt: the cache does not apply.
  ScramClient third("pencil", "rOprNGfwEbeRWgbNEkqO");
  third.use_cached_keys(first.keys(), "AAAAAAAAAAAAAAAAAAAAAA==", 4096);
  std::string final3;
  REQUIRE(third.handle_server_first(kServerFirst, final3));
  CHECK(crypto::pbkdf2_count() == before + 1);
  CHECK_FALSE(third.used_cached_keys());
}

TEST_CASE("SASLprep mapping") {
  CHECK(saslprep_password("pencil") == "pencil");
  CHECK(saslprep_password("a\xC2\xA0"
                          "b") == "a b");  // NO-BREAK SPACE -> space
  CHECK(saslprep_password("a\xC2\xAD"
                          "b") == "ab");  // SOFT HYPHEN -> nothing
  CHECK(saslprep_password("a\x07"
                          "b") ==
        "a\x07"
        "b");                                                // prohibited: raw password kept
  CHECK(saslprep_password("\xff\xfe") == "\xff\xfe");        // invalid UTF-8: raw password kept
  CHECK(saslprep_password("p\xC3\xA4ss") == "p\xC3\xA4ss");  // already NFKC
}

TEST_CASE("MD5 password response") {
  // "md5" + md5(md5("secret" + "alice") + salt), computed independently with Python hashlib.
  const auto r = md5_password_response("alice", "secret", {0x01, 0x02, 0x03, 0x04});
  CHECK(r == "md598a0412b9c31436fc53776e863350083");  // Python hashlib
}
