#pragma once

#include <cstdint>
#include <string>

#include <gw/transports/session.hpp>

namespace gw::transports {

// A listener and the sessions it accepted. Each transport implements this and nothing else is
// needed to add one: the gateway lists its transports in one table (gateway/src/transports.cpp).
class Transport {
 public:
  virtual ~Transport() = default;

  virtual TransportKind kind() const noexcept = 0;
  // Binds and starts serving. Throws std::system_error naming the address if binding fails.
  virtual void start() = 0;
  // Stops accepting and closes every session (cleanly, within Limits::close_timeout).
  virtual void stop() = 0;
  // The bound port (the real one when configured as 0). Valid after start().
  virtual std::uint16_t port() const noexcept = 0;
  virtual std::string address() const = 0;  // "IP:PORT" as bound
};

}  // namespace gw::transports
