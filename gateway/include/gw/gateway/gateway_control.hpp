#pragma once

#include <functional>
#include <string>

namespace gw::gateway {

// What the program running the gateway does when an admin asks (a gateway that is only a
// library does nothing).
struct GatewayControl {
  std::function<void()> shutdown;
  // Reloads what can be reloaded; returns what was done, or throws with why not.
  std::function<std::string()> reload;
};

}  // namespace gw::gateway
