#pragma once

#include <atomic>
#include <memory>

#include <gw/gateway/codec_slot.hpp>
#include <gw/gateway/command_registry.hpp>
#include <gw/gateway/hub.hpp>
#include <gw/gateway/metrics.hpp>
#include <gw/gateway/server_info.hpp>
#include <gw/message/codec.hpp>
#include <gw/transports/handler.hpp>
#include <gw/transports/transport_stats.hpp>

namespace gw::gateway {

class Dispatcher;

// The socket-free core: who the gateway is, its keys, its commands, its clients and its
// counters, and the dispatcher the transports hand their frames to.
class Gateway {
 public:
  Gateway(ServerInfo server, message::Codec codec);
  ~Gateway();

  ServerInfo& server() noexcept { return server_; }
  const ServerInfo& server() const noexcept { return server_; }
  CodecSlot& codec() noexcept { return codec_; }
  CommandRegistry& commands() noexcept { return commands_; }
  Hub& hub() noexcept { return hub_; }
  Metrics& metrics() noexcept { return metrics_; }
  transports::TransportStatsBoard& transport_stats() noexcept { return transport_stats_; }
  // What the transports call.
  transports::Handler& handler() noexcept;

  // From now on new requests are answered 503.
  void begin_stopping() noexcept { stopping_.store(true, std::memory_order_relaxed); }
  bool stopping() const noexcept { return stopping_.load(std::memory_order_relaxed); }

 private:
  ServerInfo server_;
  CodecSlot codec_;
  CommandRegistry commands_;
  Hub hub_;
  Metrics metrics_;
  transports::TransportStatsBoard transport_stats_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::atomic<bool> stopping_{false};
};

}  // namespace gw::gateway
