#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace gw::transports {

// Something a listener can tell to close when it stops.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void close() = 0;
};

// The connections of one listener, so that stop() can close them all and the listener can
// enforce its connection limit. Holds weak pointers: a connection lives only as long as its
// pending operations.
class LiveConnections {
 public:
  // The connection's id, or 0 and nothing added when the limit is reached.
  std::uint64_t add(std::weak_ptr<Closable> connection, std::size_t limit);
  void remove(std::uint64_t id);
  void close_all();

 private:
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Closable>> connections_;
  std::uint64_t next_id_ = 1;
};

}  // namespace gw::transports
