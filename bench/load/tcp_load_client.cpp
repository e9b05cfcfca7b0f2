// TCP: one token per line.
#include <array>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "load_client.hpp"

namespace gw::bench {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class TcpLoadClient final : public LoadClient, public std::enable_shared_from_this<TcpLoadClient> {
 public:
  TcpLoadClient(asio::io_context& io, const Target& target, LoadRun& run)
      : socket_(io), endpoint_(target.address, target.port), run_(run) {}

  void start() override {
    socket_.async_connect(endpoint_, [self = shared_from_this()](boost::system::error_code error) {
      if (error) return self->run_.count_failure("tcp connect: " + error.message());
      self->socket_.set_option(tcp::no_delay(true));
      self->send(self->run_.handshake_token(), "handshake");
    });
  }

 private:
  void send(const std::string& token, const char* cmd) {
    const std::array buffers{asio::buffer(token), asio::buffer("\n", 1)};
    asio::async_write(
        socket_, buffers,
        [self = shared_from_this(), cmd](boost::system::error_code error, std::size_t) {
          if (error) return self->run_.count_failure("tcp write: " + error.message());
          self->read(cmd);
        });
  }

  void read(const char* cmd) {
    asio::async_read_until(
        socket_, asio::dynamic_buffer(buffer_), '\n',
        [self = shared_from_this(), cmd](boost::system::error_code error, std::size_t line_end) {
          if (error) return self->run_.count_failure("tcp read: " + error.message());
          self->on_line(line_end, cmd);
        });
  }

  void on_line(std::size_t line_end, const char* cmd) {
    const bool good = run_.check(std::string_view(buffer_).substr(0, line_end - 1), cmd);
    buffer_.erase(0, line_end);
    if (!good) return;
    if (run_.complete(cmd)) send(run_.next_request(), run_.request_cmd());
  }

  tcp::socket socket_;
  tcp::endpoint endpoint_;
  LoadRun& run_;
  std::string buffer_;
};

}  // namespace

std::shared_ptr<LoadClient> make_tcp_load_client(asio::io_context& io, const Target& target,
                                                 LoadRun& run) {
  return std::make_shared<TcpLoadClient>(io, target, run);
}

}  // namespace gw::bench
