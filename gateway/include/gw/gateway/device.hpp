#pragma once

#include <string>
#include <utility>

#include <gw/gateway/permissions.hpp>
#include <gw/message/fernet.hpp>

namespace gw::gateway {

// One entry of the devices file: a device known by its own key, and what it may do. A token
// that decrypts under `key` is this device; nobody else can take its name.
struct Device {
  Device(std::string device_name, message::Fernet device_key)
      : name(std::move(device_name)), key(std::move(device_key)) {}

  std::string name;
  message::Fernet key;
  PermissionLists permissions;
  std::string description;  // for the operator: where it is, who looks after it
  int line = 0;             // where its entry starts in the file, for messages
};

}  // namespace gw::gateway
