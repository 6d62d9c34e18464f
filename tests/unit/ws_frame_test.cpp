#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "edgepg/ws/frame.hpp"

using namespace edgepg;
using namespace edgepg::ws;

namespace {

using Vec = std::vector<std::uint8_t>;

Bytes bytes(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

HeaderDecode decode(const Vec& v, Role sender, FrameHeader& h) { return decode_frame_header(v, sender, h); }

ErrorCode rule(const Vec& v, Role sender = Role::server) {
  FrameHeader h;
  const auto d = decode(v, sender, h);
  return d.step == DecodeStep::error ? d.error : ErrorCode::ok;
}

}  // namespace

TEST_CASE("ws frame: RFC 6455 §5.7 masked \"Hello\" is what the encoder writes for that key") {
  Vec out;
  encode_frame(out, Opcode::text, true, bytes("Hello"), MaskKey{0x37, 0xfa, 0x21, 0x3d});
  CHECK(out == Vec{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});

  FrameHeader h;
  const auto d = decode(out, Role::client, h);
  REQUIRE(d.step == DecodeStep::header);
  CHECK(d.header_size == 6);
  CHECK(h.fin);
  CHECK(h.opcode == Opcode::text);
  CHECK(h.masked);
  CHECK(h.payload_length == 5);
  Vec payload(out.begin() + 6, out.end());
  apply_mask(payload, h.mask);
  CHECK(std::string(payload.begin(), payload.end()) == "Hello");
}

TEST_CASE("ws frame: RFC 6455 §5.7 unmasked examples decode") {
  FrameHeader h;
  const Vec hello = {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  auto d = decode(hello, Role::server, h);
  REQUIRE(d.step == DecodeStep::header);
  CHECK(d.header_size == 2);
  CHECK((h.fin && h.opcode == Opcode::text && !h.masked && h.payload_length == 5));

  d = decode({0x01, 0x03, 0x48, 0x65, 0x6c}, Role::server, h);  // first fragment "Hel"
  REQUIRE(d.step == DecodeStep::header);
  CHECK((!h.fin && h.opcode == Opcode::text && h.payload_length == 3));
  d = decode({0x80, 0x02, 0x6c, 0x6f}, Role::server, h);  // last fragment "lo"
  REQUIRE(d.step == DecodeStep::header);
  CHECK((h.fin && h.opcode == Opcode::continuation && h.payload_length == 2));

  d = decode({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, Role::server, h);  // unmasked ping
  REQUIRE(d.step == DecodeStep::header);
  CHECK((h.opcode == Opcode::ping && h.payload_length == 5));

  d = decode({0x82, 0x7E, 0x01, 0x00}, Role::server, h);  // 256 bytes, 16-bit length
  REQUIRE(d.step == DecodeStep::header);
  CHECK(d.header_size == 4);
  CHECK(h.payload_length == 256);

  d = decode({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}, Role::server, h);  // 64 KiB
  REQUIRE(d.step == DecodeStep::header);
  CHECK(d.header_size == 10);
  CHECK(h.payload_length == 65536);
}

TEST_CASE("ws frame: the masked pong of §5.7") {
  Vec out;
  encode_frame(out, Opcode::pong, true, bytes("Hello"), MaskKey{0x37, 0xfa, 0x21, 0x3d});
  CHECK(out == Vec{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
}

TEST_CASE("ws frame: length encodings at their boundaries, and the decoder reads them back") {
  for (std::size_t len : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 70000u}) {
    CAPTURE(len);
    const Vec payload(len, 0xAB);
    for (bool masked : {false, true}) {
      Vec out;
      encode_frame(out, Opcode::binary, true, payload,
                   masked ? std::optional<MaskKey>(MaskKey{1, 2, 3, 4}) : std::nullopt);
      CHECK(out.size() == frame_header_size(len, masked) + len);
      CHECK(out[1] == ((masked ? 0x80 : 0) | (len < 126 ? len : len <= 65535 ? 126 : 127)));
      FrameHeader h;
      // Every strict prefix of the header is need_more.
      for (std::size_t n = 0; n < frame_header_size(len, masked); ++n) {
        CHECK(decode_frame_header(Bytes(out.data(), n), masked ? Role::client : Role::server, h).step ==
              DecodeStep::need_more);
      }
      const auto d = decode(out, masked ? Role::client : Role::server, h);
      REQUIRE(d.step == DecodeStep::header);
      CHECK(d.header_size == frame_header_size(len, masked));
      CHECK(h.payload_length == len);
      Vec back(out.begin() + static_cast<std::ptrdiff_t>(d.header_size), out.end());
      if (masked) apply_mask(back, h.mask);
      CHECK(back == payload);
    }
  }
}

TEST_CASE("ws frame: a non-minimal length encoding from the server is accepted") {
  FrameHeader h;
  auto d = decode({0x82, 0x7E, 0x00, 0x05}, Role::server, h);
  REQUIRE(d.step == DecodeStep::header);
  CHECK(h.payload_length == 5);
  d = decode({0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0x05}, Role::server, h);
  REQUIRE(d.step == DecodeStep::header);
  CHECK(h.payload_length == 5);
}

TEST_CASE("ws frame: each header rule has its own error, checked in the RFC's order") {
  CHECK(rule({0xC2, 0x00}) == ErrorCode::ws_reserved_bits);  // RSV1
  CHECK(rule({0xA2, 0x00}) == ErrorCode::ws_reserved_bits);  // RSV2
  CHECK(rule({0x92, 0x00}) == ErrorCode::ws_reserved_bits);  // RSV3
  for (std::uint8_t op : std::initializer_list<std::uint8_t>{3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    CHECK(rule({static_cast<std::uint8_t>(0x80 | op), 0x00}) == ErrorCode::ws_reserved_opcode);
  }
  CHECK(rule({0x09, 0x00}) == ErrorCode::ws_fragmented_control);  // ping without FIN
  CHECK(rule({0x08, 0x00}) == ErrorCode::ws_fragmented_control);  // close without FIN
  CHECK(rule({0x89, 0x7E, 0x00, 0x7E}) == ErrorCode::ws_control_too_long);
  CHECK(rule({0x8A, 0x7F}) == ErrorCode::ws_control_too_long);  // decided before the extended length arrives
  CHECK(rule({0x89, 0x7D}) == ErrorCode::ok);                   // 125 is fine (need_more for the payload is not ours)
  CHECK(rule({0x82, 0x85, 1, 2, 3, 4}) == ErrorCode::ws_masked_frame);
  CHECK(rule({0x82, 0x05}, Role::client) == ErrorCode::ws_unmasked_frame);
  CHECK(rule({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}) == ErrorCode::ws_length_msb_set);
  CHECK(rule({0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}) == ErrorCode::ok);  // 2^63-1: the codec's
  // Order: RSV before opcode before control rules before masking.
  CHECK(rule({0xF3, 0xFF}) == ErrorCode::ws_reserved_bits);
  CHECK(rule({0x0B, 0xFF}) == ErrorCode::ws_reserved_opcode);
  CHECK(rule({0x09, 0xFF}) == ErrorCode::ws_fragmented_control);
  CHECK(rule({0x89, 0xFF}) == ErrorCode::ws_control_too_long);
  for (auto e : {ErrorCode::ws_reserved_bits, ErrorCode::ws_masked_frame, ErrorCode::ws_length_msb_set}) {
    CHECK(std::string(ws_error_message(e)).find("RFC 6455 §5.") != std::string::npos);
    CHECK(std::string(error_name(e)) == "EWEBSOCKET");
    CHECK(ws_error_close_code(e) == close_code::protocol_error);
  }
}

TEST_CASE("ws frame: masking in pieces at any offset equals masking the whole") {
  Vec data(37);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  const MaskKey key{0x11, 0x22, 0x33, 0x44};
  Vec whole = data;
  apply_mask(whole, key);
  for (std::size_t i = 0; i < data.size(); ++i) CHECK(whole[i] == (data[i] ^ key[i % 4]));
  for (std::size_t cut = 0; cut <= data.size(); ++cut) {
    Vec pieces = data;
    apply_mask(std::span<std::uint8_t>(pieces.data(), cut), key, 0);
    apply_mask(std::span<std::uint8_t>(pieces.data() + cut, pieces.size() - cut), key, cut);
    CHECK(pieces == whole);
  }
}

TEST_CASE("ws frame: strict UTF-8") {
  CHECK(valid_utf8(bytes("")));
  CHECK(valid_utf8(bytes("plain ascii")));
  CHECK(valid_utf8(bytes("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80")));  // é € 😀
  CHECK(valid_utf8(bytes("\xF4\x8F\xBF\xBF")));                            // U+10FFFF
  CHECK_FALSE(valid_utf8(bytes("\xC3")));                                  // truncated
  CHECK_FALSE(valid_utf8(bytes("\xC0\xAF")));                              // overlong '/'
  CHECK_FALSE(valid_utf8(bytes("\xE0\x80\xAF")));                          // overlong
  CHECK_FALSE(valid_utf8(bytes("\xED\xA0\x80")));                          // U+D800 surrogate
  CHECK_FALSE(valid_utf8(bytes("\xF4\x90\x80\x80")));                      // above U+10FFFF
  CHECK_FALSE(valid_utf8(bytes("\xF8\x88\x80\x80\x80")));
  CHECK_FALSE(valid_utf8(bytes("\x80")));
  CHECK_FALSE(
      valid_utf8(bytes("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5\xED\xA0\x80"
                       "edited")));
}

TEST_CASE("ws frame: close payloads and codes (§5.5.1, §7.4)") {
  std::uint16_t code = 0;
  std::string_view reason;
  CHECK(parse_close_payload({}, code, reason) == ErrorCode::ok);
  CHECK(code == close_code::no_status);
  const Vec one = {0x03};
  CHECK(parse_close_payload(one, code, reason) == ErrorCode::ws_bad_close_payload);
  const Vec bye = {0x03, 0xE8, 'b', 'y', 'e'};
  CHECK(parse_close_payload(bye, code, reason) == ErrorCode::ok);
  CHECK(code == 1000);
  CHECK(reason == "bye");
  const Vec bad_reason = {0x03, 0xE8, 0xFF};
  CHECK(parse_close_payload(bad_reason, code, reason) == ErrorCode::ws_bad_close_reason);

  for (std::uint16_t c : std::initializer_list<std::uint16_t>{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011,
                                                              1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
    CAPTURE(c);
    CHECK(is_valid_close_code(c));
  }
  for (std::uint16_t c :
       std::initializer_list<std::uint16_t>{0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    CAPTURE(c);
    CHECK_FALSE(is_valid_close_code(c));
    const Vec p = {static_cast<std::uint8_t>(c >> 8), static_cast<std::uint8_t>(c & 0xFF)};
    CHECK(parse_close_payload(p, code, reason) == ErrorCode::ws_bad_close_code);
  }
}
