// libFuzzer target: the backend byte stream. Framing (BackendParser) under any chunking, every decode_* function
// and DataRowReader on every framed body, and the invariant that chunking never changes what comes out.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "edgepg/pg/backend_parser.hpp"
#include "edgepg/pg/messages.hpp"
#include "fuzz_util.hpp"

using namespace edgepg;
using namespace edgepg::pg;
using edgepg::fuzz::exact_copy;

namespace {

// Runs every decoder on a body, whatever its type byte says: each must return a Status, never read past the end.
void decode_all(Bytes body) {
  {
    Authentication a;
    (void)decode_authentication(body, a);
  }
  {
    ErrorFields e;
    (void)decode_error_fields(body, e);
  }
  {
    std::vector<FieldDescription> f;
    (void)decode_row_description(body, f);
  }
  {
    std::vector<std::uint32_t> oids;
    (void)decode_parameter_description(body, oids);
  }
  {
    CommandComplete c;
    if (decode_command_complete(body, c).ok() && c.rows) EDGEPG_FUZZ_CHECK(*c.rows >= 0);
  }
  {
    ParameterStatus p;
    (void)decode_parameter_status(body, p);
  }
  {
    BackendKeyData k;
    (void)decode_backend_key_data(body, k);
  }
  {
    TransactionStatus t;
    if (decode_ready_for_query(body, t).ok()) {
      EDGEPG_FUZZ_CHECK(t == TransactionStatus::idle || t == TransactionStatus::in_transaction ||
                        t == TransactionStatus::failed);
    }
  }
  {
    Notification n;
    (void)decode_notification(body, n);
  }
  {
    NegotiateProtocolVersion v;
    (void)decode_negotiate_protocol_version(body, v);
  }
  (void)expect_empty(body, 'n');
  {
    DataRowReader r;
    if (DataRowReader::open(body, r).ok()) {
      std::size_t total = 0;
      for (int i = 0; i < r.columns(); ++i) {
        std::optional<Bytes> cell;
        if (!r.next(cell).ok()) break;
        if (cell) {
          EDGEPG_FUZZ_CHECK(cell->data() >= body.data() && cell->data() + cell->size() <= body.data() + body.size());
          total += cell->size();
        }
      }
      EDGEPG_FUZZ_CHECK(total <= body.size());
    }
  }
}

using Messages = std::vector<std::pair<char, std::vector<std::uint8_t>>>;

// Frames `stream` fed in the given chunks; returns the messages and whether framing failed.
std::pair<Messages, bool> frame(const std::vector<Bytes>& parts, std::size_t total, std::size_t max_size, bool decode) {
  BackendParser p(max_size);
  Messages out;
  // Each chunk exactly bounded, as if in its own heap block (as a socket would hand it over): ChunkArena poisons
  // all around it, one allocation for all the chunks rather than one each.
  fuzz::ChunkArena arena(total, parts.size());
  for (const Bytes part : parts) {
    const Bytes copy = arena.place(part);
    if (!p.feed(copy).ok()) return {out, true};
    RawMessage m;
    for (;;) {
      const ParseStep step = p.next(m);
      if (step == ParseStep::need_more) break;
      if (step == ParseStep::error) {
        EDGEPG_FUZZ_CHECK(!p.error().ok());
        EDGEPG_FUZZ_CHECK(p.next(m) == ParseStep::error);  // stays failed
        return {out, true};
      }
      EDGEPG_FUZZ_CHECK(m.body.size() <= max_size);
      if (decode) {
        const auto body = exact_copy(m.body);
        decode_all(body);
      }
      out.emplace_back(m.type, std::vector<std::uint8_t>(m.body.begin(), m.body.end()));
    }
  }
  return {out, false};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::size_t max_size =
      fdp.ConsumeBool() ? fdp.ConsumeIntegralInRange<std::size_t>(0, 4096) : default_max_message_size;
  const std::size_t seed_len = fdp.ConsumeIntegralInRange<std::size_t>(0, 8);
  const auto split_seed = fdp.ConsumeBytes<std::uint8_t>(seed_len);
  const auto stream = fdp.ConsumeRemainingBytes<std::uint8_t>();

  // Once whole, decoding every body; then in chunks picked from split_seed: the same messages must come out.
  const auto [whole, whole_failed] = frame({Bytes(stream)}, stream.size(), max_size, true);
  // Chunk sizes 1..16 from split_seed, cycled over the whole stream (a seed of 0 bytes: 1-byte chunks for the first
  // 256 bytes, then 64): every boundary shape is reached without feeding a long stream one byte at a time, which
  // made this target ~1,200 executions a second.
  std::vector<Bytes> parts;
  parts.reserve(stream.size());
  std::size_t pos = 0;
  std::size_t k = 0;
  while (pos < stream.size()) {
    std::size_t n = split_seed.empty() ? (pos < 256 ? 1 : 64) : 1 + split_seed[k++ % split_seed.size()] % 16;
    if (n > stream.size() - pos) n = stream.size() - pos;
    parts.emplace_back(stream.data() + pos, n);
    pos += n;
  }
  const auto [chunked, chunked_failed] = frame(parts, stream.size(), max_size, false);
  EDGEPG_FUZZ_CHECK(whole_failed == chunked_failed);
  EDGEPG_FUZZ_CHECK(whole == chunked);
  return 0;
}
