#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace gw::gateway {

// What the program running the gateway does when an admin asks (a gateway that is only a
// library does nothing).
struct GatewayControl {
  std::function<void()> shutdown;
  // Reloads what can be reloaded; returns what was done, or throws with why not
  // (DeviceFileError for a devices file with an error: nothing was changed).
  std::function<std::string()> reload;
  // The devices file, which `device add`, `remove` and `rotate` edit (empty: none), and how it
  // is read again afterwards (returns what changed; throws DeviceFileError).
  std::filesystem::path devices_file;
  std::function<std::string()> reload_devices;
};

}  // namespace gw::gateway
