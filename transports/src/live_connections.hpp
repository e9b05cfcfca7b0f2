#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <gw/transports/limits.hpp>

namespace gw::transports {

// Something a listener can tell to close when it stops.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void close() = 0;
};

// The connections of one listener, so that stop() can close them all and the listener can
// enforce its connection limits, in all and per source address. Holds weak pointers: a
// connection lives only as long as its pending operations.
class LiveConnections {
 public:
  enum class Refusal { none, listener_full, address_full };
  struct Admission {
    std::uint64_t id = 0;  // 0: refused, nothing added
    Refusal refusal = Refusal::none;
  };

  // Admits a connection from `host` unless a limit is reached (trusted networks are exempt
  // from the per-address one).
  Admission add(std::weak_ptr<Closable> connection, std::string_view host, const Limits& limits);
  void remove(std::uint64_t id);
  void close_all();

 private:
  struct Entry {
    std::weak_ptr<Closable> connection;
    std::string host;
  };
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> connections_;
  std::unordered_map<std::string, std::size_t> per_host_;
  std::uint64_t next_id_ = 1;
};

// "at the limit of 1024 connections", for logs.
std::string describe(LiveConnections::Refusal refusal, const Limits& limits);

}  // namespace gw::transports
