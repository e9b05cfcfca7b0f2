#pragma once

#include <optional>
#include <string>

#include <gw/message/message.hpp>

namespace gw::gateway {

// The command a message without `cmd` names in a seed project's shape: SMC's
// {"call_func": NAME, "data": D}, or the URL server's {"url": "/NAME?..."} (the path's first
// segment). Nothing when it is in neither.
std::optional<std::string> seed_shape_command(const message::Message& message);

}  // namespace gw::gateway
