#pragma once

#include <functional>
#include <string>

namespace gw::gateway {

// Work that one gateway of a cluster does at a time, such as bridging one MQTT broker: every
// gateway able to do it volunteers, one holds it, and another takes it over when the holder
// stops or dies. A lone gateway has none of this and does all its work itself. Thread-safe.
class Duties {
 public:
  virtual ~Duties() = default;
  // Called whenever the gateway doing the duty changes, as seen from here: `holder` is its
  // node name, and `held` says whether it is this gateway (its turn). On the cluster's thread;
  // never during volunteer().
  using Changed = std::function<void(const std::string& holder, bool held)>;
  // This gateway can do `duty` (a name the gateways agree on) from now on.
  virtual void volunteer(const std::string& duty, Changed changed) = 0;
  // This gateway stops doing `duty` (a clean stop): another may take it at once. `changed` is
  // not called again. Waits for one exchange with the cluster at most.
  virtual void withdraw(const std::string& duty) = 0;
};

}  // namespace gw::gateway
