// HTTP/1.1 with keep-alive: POST /message, read the response, again on the same connection.
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "load_client.hpp"

namespace gw::bench {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

class HttpLoadClient final : public LoadClient,
                             public std::enable_shared_from_this<HttpLoadClient> {
 public:
  HttpLoadClient(asio::io_context& io, const Target& target, LoadRun& run)
      : socket_(io), endpoint_(target.address, target.port), run_(run) {}

  void start() override {
    socket_.async_connect(endpoint_, [self = shared_from_this()](boost::system::error_code error) {
      if (error) return self->run_.count_failure("http connect: " + error.message());
      self->socket_.set_option(tcp::no_delay(true));
      self->post(self->run_.handshake_token(), "handshake");
    });
  }

 private:
  void post(const std::string& token, const char* cmd) {
    request_ =
        "POST /message HTTP/1.1\r\nHost: gw\r\nContent-Length: " + std::to_string(token.size()) +
        "\r\n\r\n" + token;
    asio::async_write(
        socket_, asio::buffer(request_),
        [self = shared_from_this(), cmd](boost::system::error_code error, std::size_t) {
          if (error) return self->run_.count_failure("http write: " + error.message());
          self->read(cmd);
        });
  }

  void read(const char* cmd) {
    parser_.emplace();
    http::async_read(
        socket_, buffer_, *parser_,
        [self = shared_from_this(), cmd](boost::system::error_code error, std::size_t) {
          if (error) return self->run_.count_failure("http read: " + error.message());
          self->on_response(cmd);
        });
  }

  void on_response(const char* cmd) {
    const auto& response = parser_->get();
    if (response.result_int() != 200)
      return run_.count_failure("http status " + std::to_string(response.result_int()));
    if (!run_.check(response.body(), cmd)) return;
    if (run_.complete(cmd)) post(run_.next_request(), run_.request_cmd());
  }

  tcp::socket socket_;
  tcp::endpoint endpoint_;
  LoadRun& run_;
  std::string request_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

}  // namespace

std::shared_ptr<LoadClient> make_http_load_client(asio::io_context& io, const Target& target,
                                                  LoadRun& run) {
  return std::make_shared<HttpLoadClient>(io, target, run);
}

}  // namespace gw::bench
