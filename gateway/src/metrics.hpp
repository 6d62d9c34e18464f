// Counters for GET /metrics, in Prometheus's text format. Lock-free increments from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace edgepg::gateway {

class Metrics {
 public:
  void client_opened() { clients_.fetch_add(1, std::memory_order_relaxed); }
  void client_closed() { clients_.fetch_sub(1, std::memory_order_relaxed); }
  void session_ended(const std::string& outcome);  // ok | auth_failed | refused | upstream_failed | error
  void auth_failed(const std::string& reason);     // the refusal code, e.g. ERR_JWT_EXPIRED
  void bytes(std::uint64_t in, std::uint64_t out) {
    bytes_in_.fetch_add(in, std::memory_order_relaxed);
    bytes_out_.fetch_add(out, std::memory_order_relaxed);
  }
  void upstream_connect_seconds(double seconds);
  // A token accepted: its signature checked now, or found among the tokens verified earlier.
  void token_accepted(bool from_cache) {
    (from_cache ? tokens_cached_ : tokens_verified_).fetch_add(1, std::memory_order_relaxed);
  }
  // A login whose first messages went to its warm backend behind its claims, in one round trip.
  void first_query_pipelined() { pipelined_.fetch_add(1, std::memory_order_relaxed); }
  // A login on a warm backend whose claims statement the last reset had parsed ahead (reset_backend).
  void holder_statement_prepared() { prepared_.fetch_add(1, std::memory_order_relaxed); }
  [[nodiscard]] std::int64_t clients() const { return clients_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::string text() const;

 private:
  std::atomic<std::int64_t> clients_{0};
  std::atomic<std::uint64_t> bytes_in_{0}, bytes_out_{0};
  std::atomic<std::uint64_t> tokens_verified_{0}, tokens_cached_{0};
  std::atomic<std::uint64_t> pipelined_{0}, prepared_{0};
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> sessions_, auth_failures_;
  static constexpr std::array<double, 8> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1.0};
  std::array<std::uint64_t, kBuckets.size()> connect_buckets_{};
  std::uint64_t connect_count_ = 0;
  double connect_sum_ = 0;
};

}  // namespace edgepg::gateway
