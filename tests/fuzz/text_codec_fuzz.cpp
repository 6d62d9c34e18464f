// libFuzzer target: the text-format type decoders (what every DataRow cell goes through): bool, integers, floats,
// int8 text, bytea (hex and escape), point, circle, date/time, interval and array literals (every delimiter and
// element kind the type table uses), plus the JS face's shape_for_type (bindings/type_shapes.hpp) over arbitrary OIDs.
#include <cmath>
#include <string>
#include <string_view>

#include "edgepg/pg/text_codec.hpp"
#include "fuzz_util.hpp"
#include "type_shapes.hpp"

using namespace edgepg::pg;
using edgepg::bindings::shape_for_type;
using edgepg::bindings::TypeShape;
using edgepg::bindings::ValueKind;

namespace {

// Counts what an array literal holds; checks begin/end nest properly and element texts are live memory.
struct Counter final : ArrayVisitor {
  std::string_view input;
  int depth = 0, max_depth = 0;
  std::size_t elements = 0;
  void begin() override { max_depth = std::max(max_depth, ++depth); }
  void end() override {
    --depth;
    EDGEPG_FUZZ_CHECK(depth >= 0);
  }
  void null() override { ++elements; }
  void element(std::string_view text, bool stable) override {
    ++elements;
    if (stable)
      EDGEPG_FUZZ_CHECK(text.data() >= input.data() && text.data() + text.size() <= input.data() + input.size());
    std::size_t sum = 0;
    for (const char c : text) sum += static_cast<unsigned char>(c);
    (void)sum;
    // Elements decode like scalars of their kind: run the scalar decoders on them too.
    double d;
    (void)parse_float(text, d);
    DateTime dt;
    (void)parse_datetime(text, dt);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const auto oid = fdp.ConsumeIntegral<std::uint32_t>();
  const char delimiter = fdp.ConsumeBool() ? ',' : ';';
  const edgepg::fuzz::ExactText in(fdp.ConsumeRemainingBytesAsString());
  const std::string_view text = in.view();

  const TypeShape shape = shape_for_type(oid);
  EDGEPG_FUZZ_CHECK(static_cast<int>(shape.kind) <= static_cast<int>(ValueKind::array));

  bool b;
  if (parse_bool(text, b)) EDGEPG_FUZZ_CHECK(text == "t" || text == "f" || !text.empty());
  double d;
  if (parse_integer(text, d)) EDGEPG_FUZZ_CHECK(std::isfinite(d) && d == std::trunc(d));
  (void)parse_float(text, d);
  if (is_int8_text(text)) {
    EDGEPG_FUZZ_CHECK(!text.empty());
    for (std::size_t i = 0; i < text.size(); ++i)
      EDGEPG_FUZZ_CHECK((text[i] >= '0' && text[i] <= '9') || (i == 0 && text[i] == '-'));
  }
  std::string bytes;
  if (parse_bytea(text, bytes)) EDGEPG_FUZZ_CHECK(bytes.size() <= text.size());
  double x, y, r;
  (void)parse_point(text, x, y);
  (void)parse_circle(text, x, y, r);
  DateTime dt;
  if (parse_datetime(text, dt) && dt.kind == DateTime::Kind::local) {
    EDGEPG_FUZZ_CHECK(dt.month >= 1 && dt.month <= 12 && dt.day >= 1 && dt.day <= 31);
  }
  Interval iv;
  (void)parse_interval(text, iv);
  (void)days_from_civil(static_cast<std::int64_t>(size) * 1000 - 500000, static_cast<int>(size % 12) + 1,
                        static_cast<int>(size % 31) + 1);

  Counter c;
  c.input = text;
  if (parse_array(text, delimiter, c)) EDGEPG_FUZZ_CHECK(c.depth == 0);
  Counter c2;
  c2.input = text;
  (void)parse_array(text, shape.delimiter, c2);
  return 0;
}
