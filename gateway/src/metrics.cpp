#include "metrics.hpp"

#include <sstream>

namespace edgepg::gateway {

void Metrics::session_ended(const std::string& outcome) {
  std::lock_guard lock(mutex_);
  ++sessions_[outcome];
}

void Metrics::auth_failed(const std::string& reason) {
  std::lock_guard lock(mutex_);
  ++auth_failures_[reason];
}

void Metrics::upstream_connect_seconds(double seconds) {
  std::lock_guard lock(mutex_);
  for (std::size_t b = 0; b < kBuckets.size(); ++b) {
    if (seconds <= kBuckets[b]) ++connect_buckets_[b];
  }
  ++connect_count_;
  connect_sum_ += seconds;
}

std::string Metrics::text() const {
  std::ostringstream o;
  o << "# TYPE edgepg_gateway_clients gauge\nedgepg_gateway_clients " << clients() << "\n";
  std::lock_guard lock(mutex_);
  o << "# TYPE edgepg_gateway_sessions_total counter\n";
  for (const auto& [outcome, n] : sessions_)
    o << "edgepg_gateway_sessions_total{outcome=\"" << outcome << "\"} " << n << "\n";
  o << "# TYPE edgepg_gateway_auth_failures_total counter\n";
  for (const auto& [reason, n] : auth_failures_) {
    o << "edgepg_gateway_auth_failures_total{reason=\"" << reason << "\"} " << n << "\n";
  }
  o << "# TYPE edgepg_gateway_tokens_accepted_total counter\n";
  o << "edgepg_gateway_tokens_accepted_total{source=\"signature\"} " << tokens_verified_.load() << "\n";
  o << "edgepg_gateway_tokens_accepted_total{source=\"cache\"} " << tokens_cached_.load() << "\n";
  o << "# TYPE edgepg_gateway_first_queries_pipelined_total counter\n";
  o << "edgepg_gateway_first_queries_pipelined_total " << pipelined_.load() << "\n";
  o << "# TYPE edgepg_gateway_claims_statements_prepared_total counter\n";
  o << "edgepg_gateway_claims_statements_prepared_total " << prepared_.load() << "\n";
  o << "# TYPE edgepg_gateway_bytes_total counter\n";
  o << "edgepg_gateway_bytes_total{direction=\"in\"} " << bytes_in_.load() << "\n";
  o << "edgepg_gateway_bytes_total{direction=\"out\"} " << bytes_out_.load() << "\n";
  o << "# TYPE edgepg_gateway_upstream_connect_seconds histogram\n";
  for (std::size_t b = 0; b < kBuckets.size(); ++b) {
    o << "edgepg_gateway_upstream_connect_seconds_bucket{le=\"" << kBuckets[b] << "\"} " << connect_buckets_[b] << "\n";
  }
  o << "edgepg_gateway_upstream_connect_seconds_bucket{le=\"+Inf\"} " << connect_count_ << "\n";
  o << "edgepg_gateway_upstream_connect_seconds_sum " << connect_sum_ << "\n";
  o << "edgepg_gateway_upstream_connect_seconds_count " << connect_count_ << "\n";
  return o.str();
}

}  // namespace edgepg::gateway
