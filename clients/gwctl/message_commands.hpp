#pragma once

#include "command.hpp"

namespace gw::gwctl {

Command add_ping_command(CLI::App& app);
Command add_send_command(CLI::App& app);
Command add_broadcast_command(CLI::App& app);
Command add_publish_command(CLI::App& app);

}  // namespace gw::gwctl
