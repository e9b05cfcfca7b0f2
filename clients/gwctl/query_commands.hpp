#pragma once

#include "command.hpp"

namespace gw::gwctl {

Command add_clients_command(CLI::App& app);
Command add_get_command(CLI::App& app);
Command add_lookup_command(CLI::App& app);

}  // namespace gw::gwctl
