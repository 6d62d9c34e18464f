// Native JWT verification throughput and TokenCache hit cost, for `npm run bench` (bench/identity.js gives it
// tokens minted by jose and prints its figures beside jose's and the wasm build's).
// Input file: one line per algorithm, "ALG<TAB>JWKS JSON<TAB>TOKEN". Output: "ALG verifications_per_second" lines,
// then "cache-hit ns_per_get".
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "edgepg/cache/token_cache.hpp"
#include "edgepg/jwt/jwt.hpp"

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: jwt_bench <cases file>\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string alg, jwks_json, token;
    std::getline(fields, alg, '\t');
    std::getline(fields, jwks_json, '\t');
    std::getline(fields, token, '\t');
    edgepg::jwt::JwkSet keys;
    if (!edgepg::jwt::parse_jwks(jwks_json, keys).ok()) return 1;
    edgepg::jwt::VerifyOptions options;
    options.algorithms = {alg};
    edgepg::jwt::Claims claims;
    if (!edgepg::jwt::verify_jwt(token, keys, options, now, claims).ok()) return 1;
    // Seven rounds of 0.25 s; the median rate is reported, as bench/identity.js does for jose and the wasm build.
    std::vector<double> rates;
    for (int round = 0; round < 7; ++round) {
      long n = 0;
      const auto t0 = std::chrono::steady_clock::now();
      while (seconds_since(t0) < 0.25) {
        for (int i = 0; i < 10; ++i) (void)edgepg::jwt::verify_jwt(token, keys, options, now, claims);
        n += 10;
      }
      rates.push_back(static_cast<double>(n) / seconds_since(t0));
    }
    std::nth_element(rates.begin(), rates.begin() + 3, rates.end());
    const double median = rates[3];
    std::printf("%s %.0f\n", alg.c_str(), median);
  }
  edgepg::cache::TokenCache cache;
  (void)cache.complete_load("key", "value", 4'000'000'000'000, {}, 0);
  const int n = 2'000'000;
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t sink = 0;
  for (int i = 0; i < n; ++i) sink += cache.lookup("key", 1000).value->size();
  const double ns = seconds_since(t0) * 1e9 / n;
  if (sink != static_cast<std::size_t>(n) * 5) return 1;  // every lookup hit (and the loop was not optimised away)
  std::printf("cache-hit %.1f\n", ns);
  return 0;
}
