#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "load_run.hpp"

namespace gw::bench {

// One client of the load: connects, shakes hands, then sends ping after ping, one at a time,
// until the run stops. Each transport has its own; make_load_client picks it by name.
class LoadClient {
 public:
  virtual ~LoadClient() = default;
  virtual void start() = 0;
};

struct Target {
  boost::asio::ip::address address;
  unsigned short port = 0;
};

// transport: http, websocket, udp or tcp. Returns null for anything else.
std::shared_ptr<LoadClient> make_load_client(const std::string& transport,
                                             boost::asio::io_context& io, const Target& target,
                                             LoadRun& run);

std::shared_ptr<LoadClient> make_http_load_client(boost::asio::io_context& io, const Target& target,
                                                  LoadRun& run);
std::shared_ptr<LoadClient> make_websocket_load_client(boost::asio::io_context& io,
                                                       const Target& target, LoadRun& run);
std::shared_ptr<LoadClient> make_udp_load_client(boost::asio::io_context& io, const Target& target,
                                                 LoadRun& run);
std::shared_ptr<LoadClient> make_tcp_load_client(boost::asio::io_context& io, const Target& target,
                                                 LoadRun& run);

}  // namespace gw::bench
