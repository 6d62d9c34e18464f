// RDS IAM database authentication tokens, byte for byte what @aws-sdk/rds-signer's Signer.getAuthToken() returns:
// a SigV4 presigned `GET https://{hostname}:{port}/?Action=connect&DBUser={username}` for the service "rds-db",
// X-Amz-Expires=900, only the host header signed (its value "{hostname}:{port}"), without the "https://" prefix:
//
//   {hostname}:{port}/?Action=connect&DBUser={username}&X-Amz-Algorithm=AWS4-HMAC-SHA256
//     &X-Amz-Credential={key id}%2F{yyyymmdd}%2F{region}%2Frds-db%2Faws4_request&X-Amz-Date={yyyymmddThhmmssZ}
//     &X-Amz-Expires=900[&X-Amz-Security-Token={token}]&X-Amz-Signature={hex}&X-Amz-SignedHeaders=host
//
// (parameters sorted by name, as @smithy/querystring-builder writes them; values percent-encoded with AWS's rules).
// The token is the password for the PostgreSQL login as `username`; it is valid for 15 minutes from `epoch_seconds`.
//
// Errors (ErrorCode::invalid_argument, messages never contain the secret): empty hostname, username, region, access key
// id or secret; port 0; a hostname with characters outside printable ASCII or with '/', '?', '#', '@' or whitespace; a
// username or session token that is not valid UTF-8; a time outside 1970..9999.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "edgepg/sign/sigv4.hpp"
#include "edgepg/status.hpp"

namespace edgepg::sign {

// The lifetime RDS gives its auth tokens and the X-Amz-Expires the signer writes.
inline constexpr std::uint32_t rds_token_expires = 900;

Status rds_auth_token(std::string_view hostname, std::uint16_t port, std::string_view username, std::string_view region,
                      const Credentials& credentials, std::int64_t epoch_seconds, std::string& token);

}  // namespace edgepg::sign
