#pragma once

#include "command.hpp"

namespace gw::gwctl {

// gwctl call --broadcast: one command to every gateway on the LAN, each reply printed.
Command add_call_command(CLI::App& app);

}  // namespace gw::gwctl
