#include <set>
#include <system_error>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <gw/discovery/announce_listener.hpp>
#include <gw/message/codec.hpp>

#include "request_support.hpp"

namespace gw::discovery {

namespace asio = boost::asio;
using asio::ip::udp;

std::size_t listen_for_announcements(const message::KeyRing& keys, const ListenOptions& options,
                                     const OnFound& on_found) {
  asio::io_context io;
  udp::socket socket(io);
  const udp::endpoint local(asio::ip::make_address(options.bind), options.port);
  boost::system::error_code error;
  socket.open(local.protocol(), error);
  // Several listeners on one host may share the port; each gets every broadcast.
  if (!error) socket.set_option(udp::socket::reuse_address(true), error);
  if (!error) socket.bind(local, error);
  if (error)
    throw std::system_error(error, "cannot listen on UDP " + local.address().to_string() + ":" +
                                       std::to_string(local.port()));

  const auto codec = answer_codec(keys);
  std::set<std::string> seen;
  std::size_t ignored = 0;
  std::vector<char> buffer(65507);
  udp::endpoint sender;
  asio::steady_timer deadline(io, options.timeout);
  deadline.async_wait([&io](const boost::system::error_code& wait_error) {
    if (!wait_error) io.stop();
  });
  std::function<void()> receive = [&] {
    socket.async_receive_from(
        asio::buffer(buffer), sender,
        [&](const boost::system::error_code& receive_error, std::size_t size) {
          if (receive_error == asio::error::operation_aborted) return;
          if (!receive_error) {
            auto beacon = codec.decode(std::string_view(buffer.data(), size));
            auto found = beacon && beacon->cmd == message::announce_cmd
                             ? FoundGateway::from_message(*beacon, sender.address().to_string(), 0,
                                                          "announce")
                             : std::nullopt;
            if (!found)
              ++ignored;
            else if (seen.insert(found->id).second && !on_found(*found))
              return io.stop();
          }
          receive();
        });
  };
  receive();
  io.run();
  return ignored;
}

}  // namespace gw::discovery
