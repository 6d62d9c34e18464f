// edgepg's sans-IO core: one umbrella header over every public module header, the client's codecs and the server
// side the gateway is built from (what libedgepg_core.a implements; the wasm module links the client's part). Each
// module's header documents its contract and its errors. The native face (Connection,
// Pool, JwksCache, BlockingTokenCache, edgepg::Error) has its own umbrella, client.hpp.
#pragma once

#include "edgepg/auth/scram_client.hpp"
#include "edgepg/cache/token_cache.hpp"
#include "edgepg/error_code.hpp"
#include "edgepg/jwt/claims.hpp"
#include "edgepg/jwt/jwk.hpp"
#include "edgepg/jwt/jws_alg.hpp"
#include "edgepg/jwt/jwt.hpp"
#include "edgepg/pg/auth_policy.hpp"
#include "edgepg/pg/backend_parser.hpp"
#include "edgepg/pg/backend_writer.hpp"
#include "edgepg/pg/connection.hpp"
#include "edgepg/pg/frontend.hpp"
#include "edgepg/pg/frontend_messages.hpp"
#include "edgepg/pg/frontend_parser.hpp"
#include "edgepg/pg/messages.hpp"
#include "edgepg/pg/server_codec.hpp"
#include "edgepg/pg/startup_packet.hpp"
#include "edgepg/pg/text_codec.hpp"
#include "edgepg/sign/rds_token.hpp"
#include "edgepg/sign/sigv4.hpp"
#include "edgepg/status.hpp"
#include "edgepg/ws/client_codec.hpp"
#include "edgepg/ws/frame.hpp"
#include "edgepg/ws/handshake.hpp"
#include "edgepg/ws/server_codec.hpp"
#include "edgepg/ws/upgrade_request.hpp"
#include "edgepg/ws/upgrade_response.hpp"
