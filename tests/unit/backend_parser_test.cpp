#include "edgepg/pg/backend_parser.hpp"

#include <doctest/doctest.h>

#include <random>

#include "wire_builder.hpp"

using namespace edgepg;
using namespace edgepg::pg;
using edgepg::test::Wire;

namespace {

// All messages as (type, body) strings, fed in the given chunk sizes.
std::vector<std::string> frames(const std::vector<std::uint8_t>& bytes, const std::vector<std::size_t>& cuts,
                                ParseStep* last = nullptr) {
  BackendParser p;
  std::vector<std::string> out;
  std::size_t at = 0;
  auto drain = [&] {
    RawMessage m;
    ParseStep step;
    while ((step = p.next(m)) == ParseStep::message) {
      out.push_back(std::string(1, m.type) + std::string(reinterpret_cast<const char*>(m.body.data()), m.body.size()));
    }
    if (last) *last = step;
  };
  for (auto cut : cuts) {
    REQUIRE(p.feed(Bytes(bytes.data() + at, cut - at)));
    at = cut;
    drain();
  }
  REQUIRE(p.feed(Bytes(bytes.data() + at, bytes.size() - at)));
  drain();
  return out;
}

Wire sample_stream() {
  Wire w;
  w.auth(0).parameter_status("server_version", "15.18").backend_key(42, 7).ready();
  w.row_description({{"n", 23}, {"t", 25}});
  w.data_row({"1", "héllo"}).data_row({std::nullopt, ""});
  w.command_complete("SELECT 2").ready('I');
  w.error({{'S', "ERROR"}, {'C', "42601"}, {'M', "syntax error"}, {'P', "8"}}).ready('E');
  return w;
}

}  // namespace

TEST_CASE("backend parser: whole stream gives every message") {
  const auto w = sample_stream();
  const auto all = frames(w.bytes(), {});
  REQUIRE(all.size() == 11);
  CHECK(all[0][0] == 'R');
  CHECK(all[5][0] == 'D');
  CHECK(all.back() == "ZE");
}

TEST_CASE("backend parser: the same messages for a split at every offset") {
  const auto w = sample_stream();
  const auto expected = frames(w.bytes(), {});
  for (std::size_t cut = 0; cut <= w.bytes().size(); ++cut) {
    CHECK(frames(w.bytes(), {cut}) == expected);
  }
}

TEST_CASE("backend parser: the same messages for random chunkings, including one byte at a time") {
  const auto w = sample_stream();
  const auto expected = frames(w.bytes(), {});
  std::mt19937 rng(1234);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::size_t> cuts;
    std::size_t at = 0;
    while (at < w.bytes().size()) {
      at += 1 + rng() % (round % 2 ? 3 : 40);
      if (at < w.bytes().size()) cuts.push_back(at);
    }
    CHECK(frames(w.bytes(), cuts) == expected);
  }
}

TEST_CASE("backend parser: a length prefix above the limit is an error, not an allocation") {
  BackendParser p(1024);
  Wire w;
  w.raw({'D', 0x7f, 0xff, 0xff, 0xff});  // ~2 GiB
  REQUIRE(p.feed(w.bytes()));
  RawMessage m;
  CHECK(p.next(m) == ParseStep::error);
  CHECK(p.error().code() == ErrorCode::message_too_large);
  CHECK(p.buffered() == 5);
  CHECK(p.next(m) == ParseStep::error);  // stays failed
  CHECK_FALSE(p.feed(w.bytes()));
}

TEST_CASE("backend parser: a length below 4 is a protocol error") {
  BackendParser p;
  Wire w;
  w.raw({'Z', 0, 0, 0, 3});
  REQUIRE(p.feed(w.bytes()));
  RawMessage m;
  CHECK(p.next(m) == ParseStep::error);
  CHECK(p.error().code() == ErrorCode::protocol);
}

TEST_CASE("backend parser: a partial message waits for more") {
  BackendParser p;
  Wire w;
  w.ready('I');
  REQUIRE(p.feed(Bytes(w.bytes().data(), 5)));
  RawMessage m;
  CHECK(p.next(m) == ParseStep::need_more);
  REQUIRE(p.feed(Bytes(w.bytes().data() + 5, 1)));
  REQUIRE(p.next(m) == ParseStep::message);
  CHECK(m.type == 'Z');
  CHECK(m.body.size() == 1);
}
