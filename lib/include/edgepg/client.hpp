// edgepg's native face: Connection, Pool, Result, Error and the connection options. Native only (not in wasm).
#pragma once

#include "edgepg/client/connection.hpp"
#include "edgepg/client/error.hpp"
#include "edgepg/client/jwks.hpp"
#include "edgepg/client/options.hpp"
#include "edgepg/client/param.hpp"
#include "edgepg/client/pool.hpp"
#include "edgepg/client/result.hpp"
