#include <doctest/doctest.h>

#include <string>

#include "edgepg/pg/text_codec.hpp"

using namespace edgepg::pg;

namespace {
// Renders what the visitor saw, e.g. "[1,N,'a b']".
struct Render final : ArrayVisitor {
  std::string out;
  void begin() override { out += '['; }
  void end() override {
    if (!out.empty() && out.back() == ',') out.pop_back();
    out += "],";
  }
  void null() override { out += "N,"; }
  void element(std::string_view text, bool stable) override {
    out += (stable ? "'" : "\"") + std::string(text) + (stable ? "'," : "\",");
  }
  std::string result() const { return out.empty() ? out : out.substr(0, out.size() - 1); }
};
std::string render(std::string_view text, bool* ok = nullptr) {
  Render r;
  const bool parsed = parse_array(text, ',', r);
  if (ok) *ok = parsed;
  return parsed ? r.result() : "<invalid>";
}
}  // namespace

TEST_CASE("array literals") {
  CHECK(render("{}") == "[]");
  CHECK(render("{1,2,3}") == "['1','2','3']");
  CHECK(render("{1,NULL,null}") == "['1',N,N]");
  CHECK(render("{\"NULL\",\"a b\",\"\"}") == "['NULL','a b','']");
  CHECK(render("{\"x\\\"y\",\"back\\\\slash\"}") == "[\"x\"y\",\"back\\slash\"]");
  CHECK(render("{{1,2},{3,4}}") == "[['1','2'],['3','4']]");
  CHECK(render("{{{1}},{{2}}}") == "[[['1']],[['2']]]");
  CHECK(render("[0:1]={7,8}") == "['7','8']");
  CHECK(render("{{},{}}") == "[[],[]]");
}

TEST_CASE("malformed array literals are refused") {
  for (const char* bad :
       {"", "{", "}", "{1,2", "{1,,2}", "{1,2}}", "{1}x", "{\"a}", "1,2", "{,1}", "{1,}", "{{1}{2}}"}) {
    bool ok = true;
    render(bad, &ok);
    CHECK_MESSAGE(!ok, bad);
  }
}
