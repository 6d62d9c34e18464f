// The edgepg side of bench/native: the same two cases as libpq_bench.c, through edgepg::Connection over TCP.
// Prints one line per sample: "<case> <milliseconds>". Usage: edgepg_bench CONNINFO ROUNDS [connect]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "edgepg/client.hpp"

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr const char* fetch_sql = "select g, 'row-' || g as name, g * 1.5 as score from generate_series(1, 100000) g";

std::size_t fetch(edgepg::Connection& c) {
  const edgepg::Result r = c.query(fetch_sql);
  std::size_t bytes = 0;
  for (const edgepg::Row& row : r) {
    for (std::size_t j = 0; j < row.size(); ++j) {
      const auto f = row[j];
      bytes += f.text().size() + (f.text().empty() ? 0 : 1);
    }
  }
  if (r.size() != 100000) throw std::runtime_error("row count");
  return bytes;
}

long sequential(edgepg::Connection& c) {
  long sum = 0;
  for (int i = 0; i < 2000; ++i) sum += static_cast<long>(c.query("select $1::int", {i})[0][0].as_int64());
  return sum;
}

// A fresh connection, its first query, its end: "connect <ms>" per round.
void connect_rounds(const char* conninfo, int rounds) {
  for (int k = 0; k < rounds; ++k) {
    const double t = now_ms();
    {
      edgepg::Connection c(conninfo);
      if (c.query("select 1")[0][0].as_int64() != 1) throw std::runtime_error("select 1");
    }
    std::printf("connect %.3f\n", now_ms() - t);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: edgepg_bench CONNINFO ROUNDS [connect]\n");
    return 2;
  }
  try {
    if (argc > 3 && std::string(argv[3]) == "connect") {
      connect_rounds(argv[1], std::atoi(argv[2]));
      return 0;
    }
    edgepg::Connection c(argv[1]);
    const int rounds = std::atoi(argv[2]);
    volatile std::size_t sink = fetch(c) + static_cast<std::size_t>(sequential(c));  // warm-up
    for (int k = 0; k < rounds; ++k) {
      double t = now_ms();
      sink = sink + fetch(c);
      std::printf("fetch %.3f\n", now_ms() - t);
      t = now_ms();
      sink = sink + static_cast<std::size_t>(sequential(c));
      std::printf("sequential %.3f\n", now_ms() - t);
    }
    (void)sink;
  } catch (const std::exception& e) {  // edgepg::Error, or the row count check
    std::fprintf(stderr, "edgepg_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
