// libFuzzer target: what edgepg-gateway's relay learns from the bytes it copies (gateway/src/protocol_tracker.cpp),
// on arbitrary client and backend streams in arbitrary chunks. Invariants: the bytes to forward never exceed the
// chunk; once a Terminate is seen nothing more is forwarded; chunking changes nothing (counts, idleness, forwarded
// total, the statements collected); each collected statement fits its bound.
#include <cstdint>
#include <string>
#include <vector>

#include "../../gateway/src/protocol_tracker.hpp"
#include "fuzz_util.hpp"

using namespace edgepg::gateway;

namespace {

struct Seen {
  std::size_t forwarded = 0;
  std::int64_t queries = 0, syncs = 0, ready = 0;
  bool terminated = false, idle = false;
  std::vector<std::string> statements;
  bool operator==(const Seen&) const = default;
};

constexpr std::size_t kLimit = 64;

Seen run(const std::vector<edgepg::fuzz::Bytes>& client, const std::vector<edgepg::fuzz::Bytes>& backend) {
  FrontendTracker fe;
  BackendTracker be;
  fe.collect_statements(kLimit);
  Seen s;
  for (const auto chunk : client) {
    const std::size_t n = fe.scan(chunk);
    EDGEPG_FUZZ_CHECK(n <= chunk.size());
    if (fe.terminated()) EDGEPG_FUZZ_CHECK(fe.scan(chunk) == 0);
    s.forwarded += n;
    for (auto& st : fe.take_statements()) s.statements.push_back(std::move(st));
  }
  for (const auto chunk : backend) be.scan(chunk);
  for (const auto& st : s.statements) EDGEPG_FUZZ_CHECK(st.size() <= kLimit + 3);
  s.queries = fe.queries();
  s.syncs = fe.sync_points();
  s.ready = be.ready_count();
  s.terminated = fe.terminated();
  s.idle = idle_between_statements(fe, be);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const auto client = fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(0, size));
  const auto backend = fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(0, size));
  const edgepg::fuzz::Bytes c(client), b(backend);
  const Seen whole = run({c}, {b});
  const Seen chunked = run(edgepg::fuzz::chunks(fdp, c, 7), edgepg::fuzz::chunks(fdp, b, 7));
  EDGEPG_FUZZ_CHECK(whole == chunked);
  return 0;
}
