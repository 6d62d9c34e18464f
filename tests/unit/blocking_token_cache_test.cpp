// BlockingTokenCache: the native face's get_or_load over the core TokenCache (single flight across threads, failed
// refreshes, cooldowns, throwing loaders). Also built into edgepg_tsan, for the concurrent single flight.
#include "edgepg/client/blocking_token_cache.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "edgepg/cache/token_cache.hpp"
#include "support/token_cache_options.hpp"

using namespace edgepg;
using namespace edgepg::cache;
using edgepg::test::opts;

TEST_CASE("TokenCache: 100 concurrent get_or_load calls run the loader once") {
  BlockingTokenCache cache;
  std::atomic<int> calls{0};
  std::atomic<int> entered{0};
  constexpr int kThreads = 100;
  const auto loader = [&]() {
    calls.fetch_add(1);
    // Hold the load open until every thread has asked, so they all contend for this one load.
    while (entered.load() < kThreads) std::this_thread::yield();
    return Loaded{Status::success(), "token", 3'600'000, {"db"}};
  };
  const auto clock = [] { return std::int64_t{1'000}; };
  std::vector<GetResult> results(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      entered.fetch_add(1);
      results[static_cast<std::size_t>(i)] = cache.get_or_load("db", loader, clock);
    });
  }
  for (auto& t : threads) t.join();
  CHECK(calls.load() == 1);
  for (const auto& r : results) {
    CHECK(r.status.ok());
    CHECK(r.value == "token");
  }
}

TEST_CASE("TokenCache: a failing load never evicts a still-valid value") {
  TokenCache cache(opts(0, 300'000, 1'000));
  REQUIRE(cache.lookup("k", 0).load);
  REQUIRE(cache.complete_load("k", "good", 900'000, {}, 0).ok());
  const auto r = cache.lookup("k", 700'000);  // inside the refresh window
  REQUIRE(r.load);
  cache.fail_load("k", Status(ErrorCode::auth, "sts said no"), 700'000);
  const auto after = cache.lookup("k", 700'001);
  CHECK(after.value == "good");
  CHECK_FALSE(after.load);                 // in cooldown: no new load
  CHECK(cache.lookup("k", 701'000).load);  // cooldown over: the next caller refreshes

  // The blocking helper: a failed refresh still answers with the valid value.
  BlockingTokenCache c2(opts(0));
  REQUIRE(c2.complete_load("k", "good", 900'000, {}, 0).ok());
  std::int64_t now = 800'000;
  const auto g = c2.get_or_load(
      "k",
      [] {
        return Loaded{Status(ErrorCode::auth, "down"), {}, 0, {}};
      },
      [&] { return now; });
  CHECK(g.status.ok());
  CHECK(g.value == "good");
  CHECK(c2.lookup("k", 800'001).value == "good");
}

TEST_CASE("TokenCache: no new load within the error cooldown; callers see the failure") {
  BlockingTokenCache cache(opts(0, 300'000, 1'000));
  REQUIRE(cache.lookup("k", 10'000).load);
  cache.fail_load("k", Status(ErrorCode::auth, "bad credentials"), 10'000);
  for (std::int64_t t = 10'000; t < 11'000; t += 100) {
    const auto r = cache.lookup("k", t);
    CHECK_FALSE(r.value);
    CHECK_FALSE(r.load);
    CHECK_FALSE(r.loading);
    CHECK(r.error.code() == ErrorCode::auth);
    CHECK(r.error.message() == "bad credentials");
  }
  CHECK_FALSE(cache.begin_load("k", 10'999));
  int calls = 0;
  std::int64_t now = 10'500;
  const auto loader = [&] {
    ++calls;
    return Loaded{Status::success(), "v", 1'000'000, {}};
  };
  const auto g = cache.get_or_load("k", loader, [&] { return now; });
  CHECK(calls == 0);
  CHECK(g.status.code() == ErrorCode::auth);
  now = 11'000;  // cooldown over
  const auto g2 = cache.get_or_load("k", loader, [&] { return now; });
  CHECK(calls == 1);
  CHECK(g2.status.ok());
  CHECK(g2.value == "v");
}

TEST_CASE("TokenCache: an already-expired load is refused and counts as a failure; a throwing loader is contained") {
  TokenCache cache(opts(10'000));
  REQUIRE(cache.lookup("k", 0).load);
  const Status s = cache.complete_load("k", "v", 10'000, {}, 0);  // usable until 0: useless
  CHECK(s.code() == ErrorCode::invalid_argument);
  const auto r = cache.lookup("k", 1);
  CHECK_FALSE(r.value);
  CHECK_FALSE(r.load);
  CHECK(r.error.code() == ErrorCode::invalid_argument);

  BlockingTokenCache c2;
  const auto g = c2.get_or_load(
      "k", []() -> Loaded { throw std::runtime_error("boom"); }, [] { return 0; });
  CHECK(g.status.code() == ErrorCode::invalid_state);
  CHECK_FALSE(c2.lookup("k", 1).load);  // cooling down after the failure
}
