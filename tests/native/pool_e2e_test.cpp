// Pool under concurrency (also built and run under ThreadSanitizer by scripts/test-native).
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "edgepg/client.hpp"
#include "services.hpp"

using namespace edgepg;

TEST_CASE("Pool: 8 threads query concurrently through at most 3 connections") {
  Pool pool(e2e::tcp(), PoolOptions{.max_connections = 3});
  std::atomic<int> wrong{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const int v = t * 1000 + i;
        try {
          if (pool.query("select $1::int + 1", {v})[0][0].as_int64() != v + 1) ++wrong;
          if (i % 10 == 0) {
            const auto pid = pool.transaction([](Connection& tx) {
              (void)tx.query("select set_config('application_name', 'pool-test', true)");
              return tx.query("select pg_backend_pid()")[0][0].as_int64();
            });
            if (pid <= 0) ++wrong;
          }
          ++done;
        } catch (const Error&) {
          ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
  CHECK(done.load() == 320);
  CHECK(pool.open_connections() <= 3);
  CHECK(pool.idle_connections() == pool.open_connections());
}

TEST_CASE("Pool: a lease held inside a transaction or broken is not reused; acquire times out") {
  Pool pool(e2e::tcp(), PoolOptions{.max_connections = 1, .acquire_timeout = std::chrono::milliseconds(200)});
  std::int64_t first_pid = 0;
  {
    auto lease = pool.acquire();
    first_pid = lease->info().backend_pid;
    (void)lease->query("begin");  // returned mid-transaction: closed instead of reused
    try {
      (void)pool.acquire();
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == "ETIMEDOUT");
    }
  }
  CHECK(pool.open_connections() == 0);
  auto lease = pool.acquire();
  CHECK(lease->info().backend_pid != first_pid);
  CHECK(lease->transaction_status() == pg::TransactionStatus::idle);
}
