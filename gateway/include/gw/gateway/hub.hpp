#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <gw/transports/session.hpp>

namespace gw::gateway {

// The connected clients the gateway can push to (WebSocket and TCP connections), by session.
// Holds weak pointers: a connection lives as long as its transport keeps it; the hub only
// finds it. Thread-safe.
class Hub {
 public:
  void add(const std::shared_ptr<transports::Session>& session);
  void remove(const transports::Session& session);

  std::size_t count(transports::TransportKind kind) const;
  // Sends the same frame to every connection of one transport; returns how many got it.
  std::size_t send_to_all(transports::TransportKind kind, const transports::Frame& frame) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<transports::Session>> sessions_;
};

// The id clients know a session by: stable for the session's life, never reused.
std::string client_id(const transports::Session& session);

}  // namespace gw::gateway
