#pragma once

#include <functional>
#include <shared_mutex>
#include <string>

#include <gw/transports/session.hpp>

namespace gw::mqtt {

// A bridge's connection to the gateway: it reaches the dispatcher as a client's connection
// does, so what it imports passes the same checks (its key, its permissions, the replay guard)
// and takes the same path as any publication. It is no transport: it paces itself, and its
// client's id is "mqtt:N". Thread-safe.
class BridgeSession final : public transports::Session {
 public:
  struct Sink {
    std::function<void(transports::Frame)> delivered;     // a message for the bridge's client
    std::function<void(transports::Frame, int)> replied;  // the gateway's answer, and its code
    std::function<void()> closed;                         // the gateway ended it (a kick)
  };
  BridgeSession(std::string broker, Sink sink);

  void send(transports::Frame frame) override;
  void reply(transports::Frame frame, int status) override;
  void close() override;
  // Nothing reaches the sink from now on, and nothing still does once this returns: the
  // bridge may go while the gateway holds on to the session a little longer.
  void detach();

  static const transports::SessionTraits traits;

 private:
  std::shared_mutex mutex_;  // shared while the sink is called; detach takes it alone
  Sink sink_;
  bool detached_ = false;
};

}  // namespace gw::mqtt
