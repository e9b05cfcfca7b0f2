#pragma once

#include "command.hpp"

namespace gw::gwctl {

// gwctl device add|list|show|remove|rotate: the gateway's devices file, through its admin
// `device` command.
Command add_device_command(CLI::App& app);

}  // namespace gw::gwctl
