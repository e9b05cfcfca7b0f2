#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace gw::discovery {

// A gateway's beacon: every `interval`, a fresh token from `make_token` goes to the broadcast
// address of each up IPv4 interface (read again each time, as interfaces come and go) on
// `port`. Runs on the caller's io_context.
class AnnounceBeacon {
 public:
  AnnounceBeacon(boost::asio::io_context& io, std::uint16_t port, std::chrono::seconds interval,
                 std::function<std::string()> make_token);
  ~AnnounceBeacon();

  void start();
  // Thread-safe: the beacon stops once the io_context runs the request.
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace gw::discovery
