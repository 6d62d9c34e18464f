#include "edgepg/cache/token_cache.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "support/token_cache_options.hpp"

using namespace edgepg;
using namespace edgepg::cache;

using edgepg::test::opts;

TEST_CASE("TokenCache: a value is never returned at or after expires_at - skew (random schedules, seeded)") {
  // A reference model beside the cache: the cache must return exactly the model's usable value, and that value's
  // expiry (encoded in it) must be more than skew ahead of now.
  for (const std::int64_t skew : {std::int64_t{0}, std::int64_t{1}, std::int64_t{10'000}, std::int64_t{123'456}}) {
    std::mt19937_64 rng(0xED6E96 + static_cast<std::uint64_t>(skew));
    auto pick = [&](std::uint64_t n) { return static_cast<std::int64_t>(rng() % n); };
    TokenCache cache(opts(skew, 60'000, 500));
    struct Model {
      std::optional<std::string> value;
      std::int64_t usable_until = 0;
      std::vector<std::string> tags;
    };
    std::map<std::string, Model> model;
    const std::string tags[] = {"a", "b", "c"};
    std::int64_t now = 1'000'000;
    int hits = 0;
    for (int step = 0; step < 20'000; ++step) {
      now += pick(4) == 0 ? -pick(5'000) : pick(20'000);  // mostly forward, sometimes the clock steps back
      const std::string key = "k" + std::to_string(pick(6));
      Model& m = model[key];
      switch (pick(10)) {
        case 0:
        case 1:
        case 2: {  // a load completes
          const std::int64_t expires = now + pick(400'000) - 50'000;
          std::vector<std::string> t;
          if (pick(2) == 0) t.push_back(tags[pick(3)]);
          const std::string v = "v" + std::to_string(expires);
          const Status s = cache.complete_load(key, v, expires, t, now);
          CHECK(s.ok() == (expires - skew > now));
          if (s.ok()) m = Model{v, expires - skew, t};
          break;
        }
        case 3:
          cache.fail_load(key, Status(ErrorCode::auth, "denied"), now);
          break;
        case 4:
          if (pick(3) == 0) {
            cache.invalidate(key);
            m = Model{};
          } else {
            const std::string& tag = tags[pick(3)];
            cache.invalidate_tag(tag);
            for (auto& [k, mm] : model) {
              if (std::find(mm.tags.begin(), mm.tags.end(), tag) != mm.tags.end()) mm = Model{};
            }
          }
          break;
        default: {  // lookups
          const LookupResult r = cache.lookup(key, now);
          if (m.value && now >= m.usable_until) m = Model{};  // the model forgets an expired value too
          REQUIRE(r.value.has_value() == m.value.has_value());
          if (r.value) {
            ++hits;
            CHECK(*r.value == *m.value);
            const std::int64_t expires = std::stoll(r.value->substr(1));
            REQUIRE(now < expires - skew);
          }
        }
      }
    }
    CHECK(hits > 1000);  // the schedule exercised real hits, not only misses
  }
}

TEST_CASE("TokenCache: refresh-ahead tells exactly one caller, inside the window, and keeps serving") {
  TokenCache cache(opts(10'000));  // 5 min window, 10 s skew
  REQUIRE(cache.lookup("db", 0).load);
  REQUIRE(cache.complete_load("db", "t1", 900'000, {}, 0).ok());  // a 15 min token
  // usable until 890 000; the window (5 min) starts at 590 000.
  for (std::int64_t t : {0, 100'000, 589'999}) {
    const auto r = cache.lookup("db", t);
    CHECK(r.value == "t1");
    CHECK_FALSE(r.load);
  }
  const auto first = cache.lookup("db", 590'000);
  CHECK(first.value == "t1");
  CHECK(first.load);
  int told = 0;
  for (std::int64_t t = 590'000; t < 620'000; t += 250) {  // until the claimed load counts as lost (30 s)
    const auto r = cache.lookup("db", t);
    CHECK(r.value == "t1");
    CHECK(r.loading);
    told += r.load ? 1 : 0;
  }
  CHECK(told == 0);
  CHECK(cache.lookup("db", 620'000).load);  // the first refresher never answered: one more caller is told
  CHECK_FALSE(cache.lookup("db", 620'001).load);
  CHECK_FALSE(cache.lookup("db", 890'000).value);  // the old value ends at expires_at - skew, refresh or not
  REQUIRE(cache.complete_load("db", "t2", 1'790'000, {}, 890'000).ok());
  const auto r = cache.lookup("db", 890'001);
  CHECK(r.value == "t2");
  CHECK_FALSE(r.load);
  CHECK_FALSE(r.loading);
}

TEST_CASE("TokenCache: a short-lived token's refresh window is capped at half its lifetime") {
  TokenCache cache(opts(0));
  REQUIRE(cache.lookup("k", 0).load);
  REQUIRE(cache.complete_load("k", "v", 60'000, {}, 0).ok());  // 1 min lifetime: refresh from 30 s, not at once
  CHECK_FALSE(cache.lookup("k", 29'999).load);
  CHECK(cache.lookup("k", 30'000).load);
}

TEST_CASE("TokenCache: max_entries bounds memory, evicting the least recently used") {
  TokenCache cache(opts(0, 300'000, 1'000, 3));
  for (const char* k : {"a", "b", "c"}) REQUIRE(cache.complete_load(k, k, 1'000'000, {}, 0).ok());
  CHECK(cache.lookup("a", 1).value == "a");  // a is now the most recently used; b the least
  REQUIRE(cache.complete_load("d", "d", 1'000'000, {}, 2).ok());
  CHECK(cache.size() == 3);
  CHECK(cache.lookup("a", 3).value == "a");
  CHECK(cache.lookup("c", 3).value == "c");
  CHECK(cache.lookup("d", 3).value == "d");
  const auto b = cache.lookup("b", 3);
  CHECK_FALSE(b.value);
  CHECK(b.load);

  std::mt19937_64 rng(42);
  TokenCache bounded(opts(0, 300'000, 1'000, 16));
  for (int i = 0; i < 5'000; ++i) {
    const std::string key = "k" + std::to_string(rng() % 100);
    if (rng() % 2) {
      (void)bounded.lookup(key, i);
    } else {
      (void)bounded.complete_load(key, "v", 10'000'000, {}, i);
    }
    REQUIRE(bounded.size() <= 16);
  }
}

TEST_CASE("TokenCache: invalidate_tag drops exactly the tagged keys; invalidate and clear") {
  TokenCache cache(opts(0));
  for (int i = 0; i < 10; ++i) {
    std::vector<std::string> tags{"all"};
    if (i % 3 == 0) tags.push_back("db1");
    if (i % 2 == 0) tags.push_back("db2");
    REQUIRE(cache.complete_load("k" + std::to_string(i), "v" + std::to_string(i), 1'000'000, tags, 0).ok());
  }
  cache.invalidate_tag("db1");  // k0 k3 k6 k9
  for (int i = 0; i < 10; ++i) {
    const auto r = cache.lookup("k" + std::to_string(i), 1);
    CHECK_MESSAGE(r.value.has_value() == (i % 3 != 0), i);
    if (r.load) cache.fail_load("k" + std::to_string(i), Status(ErrorCode::auth, "x"), 1);  // end the claimed loads
  }
  cache.invalidate_tag("nope");
  CHECK(cache.lookup("k1", 2).value == "v1");
  cache.invalidate("k1");
  CHECK_FALSE(cache.lookup("k1", 2).value);
  CHECK(cache.lookup("k2", 2).value == "v2");
  cache.clear();
  CHECK_FALSE(cache.lookup("k2", 3).value);
  CHECK_FALSE(cache.lookup("k4", 3).value);
}

TEST_CASE("TokenCache: single flight survives invalidation; a lost load times out") {
  TokenCache cache;  // load_timeout 30 s
  REQUIRE(cache.lookup("k", 0).load);
  cache.invalidate("k");
  cache.clear();
  const auto r = cache.lookup("k", 1);
  CHECK_FALSE(r.load);
  CHECK(r.loading);
  CHECK_FALSE(cache.lookup("k", 29'999).load);
  CHECK(cache.lookup("k", 30'000).load);  // the first loader never came back
  CHECK_FALSE(cache.lookup("k", 30'001).load);
}

TEST_CASE("TokenCache: times near the int64 limits do not wrap") {
  TokenCache cache(opts(10'000));
  REQUIRE(cache.lookup("k", 0).load);
  CHECK(cache.complete_load("k", "v", INT64_MIN + 5, {}, 0).code() == ErrorCode::invalid_argument);
  REQUIRE(cache.lookup("k", 2'000).load);
  REQUIRE(cache.complete_load("k", "forever", INT64_MAX, {}, 2'000).ok());
  CHECK(cache.lookup("k", INT64_MAX - 10'001).value == "forever");
  CHECK_FALSE(cache.lookup("k", INT64_MAX - 10'000).value);
}

TEST_CASE("token cache: peek serves values put with complete_load, never past usable_until, claims no load") {
  edgepg::cache::TokenCacheOptions o;
  o.skew_ms = 100;
  edgepg::cache::TokenCache cache(o);
  CHECK_FALSE(cache.peek("k", 0).has_value());
  REQUIRE(cache.complete_load("k", "v", 1000, {"t"}, 0).ok());
  CHECK(cache.peek("k", 899) == std::optional<std::string>("v"));
  CHECK_FALSE(cache.peek("k", 900).has_value());
  // peek claimed no load: the first lookup of another key still gets to load, and "k" can load too.
  CHECK(cache.lookup("other", 0).load);
  CHECK(cache.lookup("k", 950).load);
  cache.invalidate_tag("t");
  CHECK_FALSE(cache.peek("k", 0).has_value());
}
