// libFuzzer target: what edgepg-gateway's relay learns from the bytes it copies (gateway/src/protocol_tracker.cpp),
// on arbitrary client and backend streams in arbitrary chunks. Invariants: the bytes to forward never exceed the
// chunk; once a Terminate is seen nothing more is forwarded; chunking changes nothing (counts, idleness, forwarded
// total, the statements collected); each collected statement fits its bound. With a message size limit
// (limits.max_message_bytes): nothing is forwarded once a message is over it, chunking changes whether and which
// length was refused, and the forwarded total only by a header that straddled chunks (at most 4 bytes); a stream
// within the limit is seen as without one. first_sync_point cuts after whole messages, at the first Query or Sync.
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
  bool oversized = false;
  std::uint32_t oversized_length = 0;
  bool operator==(const Seen&) const = default;
};

constexpr std::size_t kLimit = 64;

Seen run(const std::vector<edgepg::fuzz::Bytes>& client, const std::vector<edgepg::fuzz::Bytes>& backend,
         std::uint32_t max_message = 0) {
  FrontendTracker fe;
  BackendTracker be;
  fe.collect_statements(kLimit);
  if (max_message > 0) fe.limit_message_size(max_message);
  Seen s;
  for (const auto chunk : client) {
    const std::size_t n = fe.scan(chunk);
    EDGEPG_FUZZ_CHECK(n <= chunk.size());
    if (fe.terminated() || fe.oversized()) EDGEPG_FUZZ_CHECK(fe.scan(chunk) == 0);
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
  s.oversized = fe.oversized();
  s.oversized_length = fe.oversized_length();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const auto client = fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(0, size));
  const auto backend = fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(0, size));
  const edgepg::fuzz::Bytes c(client), b(backend);
  const Seen whole = run({c}, {b});
  const auto client_chunks = edgepg::fuzz::chunks(fdp, c, 7);
  const auto backend_chunks = edgepg::fuzz::chunks(fdp, b, 7);
  const Seen chunked = run(client_chunks, backend_chunks);
  EDGEPG_FUZZ_CHECK(whole == chunked);

  // A limit taken from the input's size (consuming nothing, so the corpus keeps its meaning).
  const std::uint32_t limit = 4 + static_cast<std::uint32_t>(size % 256);
  const Seen limited = run({c}, {b}, limit);
  Seen limited_chunked = run(client_chunks, backend_chunks, limit);
  if (!limited.oversized) EDGEPG_FUZZ_CHECK(limited == whole);
  EDGEPG_FUZZ_CHECK(limited.forwarded <= whole.forwarded);
  EDGEPG_FUZZ_CHECK(limited_chunked.forwarded >= limited.forwarded &&
                    limited_chunked.forwarded <= limited.forwarded + 4);
  limited_chunked.forwarded = limited.forwarded;
  EDGEPG_FUZZ_CHECK(limited == limited_chunked);

  // first_sync_point: whole messages, within the limit, no Terminate, exactly one Query or Sync, the last one.
  for (const std::uint32_t max : {std::uint32_t{0}, limit}) {
    const std::size_t cut = first_sync_point(c, max);
    EDGEPG_FUZZ_CHECK(cut <= c.size());
    if (cut == 0) continue;
    FrontendTracker fe;
    if (max > 0) fe.limit_message_size(max);
    EDGEPG_FUZZ_CHECK(fe.scan(c.subspan(0, cut)) == cut);
    EDGEPG_FUZZ_CHECK(!fe.terminated() && !fe.oversized() && fe.at_boundary() && !fe.unsynced());
    EDGEPG_FUZZ_CHECK(fe.sync_points() == 1);
  }
  return 0;
}
