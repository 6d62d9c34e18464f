// edgepg::Error moved to edgepg/error.hpp (the transports throw it too); this path stays for existing includes.
#pragma once

#include "edgepg/error.hpp"
