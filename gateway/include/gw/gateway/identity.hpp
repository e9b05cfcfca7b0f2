#pragma once

#include <optional>
#include <string>
#include <utility>

#include <gw/gateway/permissions.hpp>
#include <gw/message/codec.hpp>
#include <gw/message/fernet.hpp>

namespace gw::gateway {

// Who sent a token: a device of the devices file, known by the key of its own that the token
// is under, or a holder of the shared key file. Immutable: a reload of the devices file makes
// new ones, and clients are given those.
struct Identity {
  Identity(std::string identity_name, std::optional<message::Fernet> device_key,
           Permissions identity_permissions, std::string identity_description = {})
      : name(std::move(identity_name)),
        key(std::move(device_key)),
        permissions(std::move(identity_permissions)),
        description(std::move(identity_description)) {}

  std::string name;                    // the device's name; empty for the shared key
  std::optional<message::Fernet> key;  // a device's own key; the shared key's are the codec's
  Permissions permissions;
  std::string description;

  bool device() const noexcept { return key.has_value(); }
  // "device 'kitchen-sensor'" or "the shared key", for messages.
  std::string label() const;
  // The device's name, or "(shared key)" (which no device name can be): for metrics and logs.
  std::string tag() const;
};

// The key what goes to `identity` is encrypted under: a device's own, else the codec's first
// (the shared key's), also for a sender not known yet (null).
const message::Fernet& key_for(const Identity* identity, const message::Codec& codec);

}  // namespace gw::gateway
