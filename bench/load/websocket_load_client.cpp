// WebSocket: one token per text message; the welcome is read and checked first.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "load_client.hpp"

namespace gw::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;

class WebSocketLoadClient final : public LoadClient,
                                  public std::enable_shared_from_this<WebSocketLoadClient> {
 public:
  WebSocketLoadClient(asio::io_context& io, const Target& target, LoadRun& run)
      : ws_(io), endpoint_(target.address, target.port), run_(run) {}

  void start() override {
    ws_.next_layer().async_connect(
        endpoint_, [self = shared_from_this()](boost::system::error_code error) {
          if (error) return self->run_.count_failure("websocket connect: " + error.message());
          self->ws_.next_layer().set_option(tcp::no_delay(true));
          self->ws_.async_handshake("gw", "/ws", [self](boost::system::error_code handshake_error) {
            if (handshake_error)
              return self->run_.count_failure("websocket upgrade: " + handshake_error.message());
            self->ws_.text(true);
            self->read("welcome");
          });
        });
  }

 private:
  void send(const std::string& token, const char* cmd) {
    ws_.async_write(asio::buffer(token),
                    [self = shared_from_this(), cmd](boost::system::error_code error, std::size_t) {
                      if (error)
                        return self->run_.count_failure("websocket write: " + error.message());
                      self->read(cmd);
                    });
  }

  void read(const char* cmd) {
    ws_.async_read(buffer_,
                   [self = shared_from_this(), cmd](boost::system::error_code error, std::size_t) {
                     if (error)
                       return self->run_.count_failure("websocket read: " + error.message());
                     self->on_message(cmd);
                   });
  }

  void on_message(const char* cmd) {
    const auto data = buffer_.cdata();
    const bool good = run_.check({static_cast<const char*>(data.data()), data.size()}, cmd);
    buffer_.consume(buffer_.size());
    if (!good) return;
    const std::string_view name(cmd);
    if (name == "welcome") return send(run_.handshake_token(), "handshake");
    if (run_.complete(cmd)) send(run_.next_request(), run_.request_cmd());
  }

  websocket::stream<tcp::socket> ws_;
  tcp::endpoint endpoint_;
  LoadRun& run_;
  beast::flat_buffer buffer_;
};

}  // namespace

std::shared_ptr<LoadClient> make_websocket_load_client(asio::io_context& io, const Target& target,
                                                       LoadRun& run) {
  return std::make_shared<WebSocketLoadClient>(io, target, run);
}

}  // namespace gw::bench
