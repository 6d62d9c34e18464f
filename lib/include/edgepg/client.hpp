// edgepg's native face: Connection, Pool, Result, Error, the connection options, JwksCache and BlockingTokenCache.
// Native only (not in wasm); the core's modules have their own umbrella, edgepg.hpp.
#pragma once

#include "edgepg/client/access_token.hpp"
#include "edgepg/client/aws_credentials.hpp"
#include "edgepg/client/blocking_token_cache.hpp"
#include "edgepg/client/cloud_options.hpp"
#include "edgepg/client/connection.hpp"
#include "edgepg/client/jwks.hpp"
#include "edgepg/client/options.hpp"
#include "edgepg/client/param.hpp"
#include "edgepg/client/pool.hpp"
#include "edgepg/client/result.hpp"
#include "edgepg/error.hpp"
