#pragma once

#include <functional>
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

  void send(transports::Frame frame) override { sink_.delivered(std::move(frame)); }
  void reply(transports::Frame frame, int status) override {
    sink_.replied(std::move(frame), status);
  }
  void close() override { sink_.closed(); }

  static const transports::SessionTraits traits;

 private:
  Sink sink_;
};

}  // namespace gw::mqtt
