// edgepg's C++ core: one umbrella header. Each module's header documents its contract and its errors.
#pragma once

#include "edgepg/auth/scram_client.hpp"
#include "edgepg/pg/backend_parser.hpp"
#include "edgepg/pg/connection.hpp"
#include "edgepg/pg/frontend.hpp"
#include "edgepg/pg/messages.hpp"
#include "edgepg/pg/text_codec.hpp"
#include "edgepg/status.hpp"
