// The core's umbrella header compiles on its own (it is included first, before anything else in this file) and
// brings every public module: one type or function of each is named below.
#include <doctest/doctest.h>

#include <string>
#include <type_traits>

#include "edgepg/edgepg.hpp"

namespace {

using namespace edgepg;

static_assert(std::is_class_v<auth::ScramClient> && std::is_class_v<auth::OAuthBearerClientFirst>);
static_assert(std::is_class_v<cache::TokenCache>);
static_assert(std::is_class_v<cloud::Request> && std::is_function_v<decltype(cloud::aws_web_identity_request)>);
static_assert(std::is_function_v<decltype(cloud::gcp_sts_request)> &&
              std::is_function_v<decltype(cloud::azure_token_request)>);
static_assert(std::is_class_v<jwt::Claims> && std::is_class_v<jwt::JwkSet> && std::is_class_v<jwt::VerifyOptions>);
static_assert(std::is_enum_v<jwt::JwsAlg> && std::is_class_v<Status>);
static_assert(std::is_class_v<pg::AuthPolicy> && std::is_class_v<pg::BackendParser>);
static_assert(std::is_class_v<pg::Connection> && std::is_class_v<pg::FrontendWriter>);
static_assert(std::is_class_v<pg::ErrorFields> && std::is_class_v<pg::DateTime>);
static_assert(std::is_class_v<sign::SigningParams> && std::is_function_v<decltype(sign::rds_auth_token)>);
static_assert(std::is_class_v<ws::ClientCodec> && std::is_class_v<ws::HandshakeResponseParser>);
static_assert(std::is_enum_v<ws::Opcode> && std::is_enum_v<ErrorCode>);
// The server side (what the gateway is built from).
static_assert(std::is_class_v<pg::BackendWriter> && std::is_class_v<pg::FrontendParser>);
static_assert(std::is_class_v<pg::StartupPacket> && std::is_class_v<pg::SaslInitialResponse>);
static_assert(std::is_class_v<ws::ServerCodec> && std::is_class_v<ws::UpgradeRequest>);
static_assert(std::is_class_v<ws::HttpErrorResponse>);

}  // namespace

TEST_CASE("umbrella: edgepg.hpp alone declares every core module") {
  CHECK(pg::days_from_civil(1970, 1, 1) == 0);
  CHECK(sign::epoch_from_utc(sign::utc_from_epoch(86'400)) == 86'400);
  CHECK(std::string(ws::ws_error_name(ErrorCode::ws_reserved_bits)) == "reserved_bits");
  CHECK(std::string(error_name(ErrorCode::jwt_expired)) == "ERR_JWT_EXPIRED");
  CHECK(pg::error_field_codes.size() == 18);
}
