#pragma once

#include "command.hpp"

namespace gw::gwctl {

// gwctl discover: find gateways on the LAN by probe, subnet scan or their beacons.
Command add_discover_command(CLI::App& app);

}  // namespace gw::gwctl
