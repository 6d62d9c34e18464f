// The native face's umbrella header compiles on its own (included first) and declares the whole face.
#include <doctest/doctest.h>

#include <stdexcept>
#include <type_traits>

#include "edgepg/client.hpp"

namespace {

static_assert(std::is_base_of_v<std::runtime_error, edgepg::Error>);
static_assert(std::is_class_v<edgepg::Connection> && std::is_class_v<edgepg::Pool>);
static_assert(std::is_class_v<edgepg::Result> && std::is_class_v<edgepg::Param>);
static_assert(std::is_class_v<edgepg::JwksCache> && std::is_class_v<edgepg::cache::BlockingTokenCache>);

}  // namespace

TEST_CASE("umbrella: client.hpp alone declares the native face") {
  CHECK(edgepg::parse_connection_string("postgresql://u@h:1/d").port == 1);
  CHECK(edgepg::Error(edgepg::ErrorCode::invalid_argument, "m").code() == "EINVAL");
}
