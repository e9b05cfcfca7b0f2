#pragma once

#include "command.hpp"

namespace gw::gwctl {

Command add_top_command(CLI::App& app);

}  // namespace gw::gwctl
