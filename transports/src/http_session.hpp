#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <gw/transports/session.hpp>

#include "connection_context.hpp"

namespace gw::transports {

// One HTTP connection: reads a request, has it answered, writes the response, and again while
// the client keeps the connection alive. A request for the WebSocket path is handed, with the
// socket, to a WebSocketSession.
class HttpSession final : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  enum class Mode { http, websocket_only };

  HttpSession(boost::asio::ip::tcp::socket socket, Mode mode,
              std::shared_ptr<ConnectionContext> context);
  ~HttpSession() override;

  void run();
  void close() override;
  // Writes the answer to the request being served. Thread-safe.
  void answer(Frame frame, int status, bool close_after);

  const std::string& remote_address() const noexcept { return remote_address_; }

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  void do_read();
  void read_request();
  void on_read(const boost::system::error_code& error);
  void route(Request& request);
  void serve_message(Request& request);
  void upgrade();
  void write(int status, std::string_view content_type, std::string body, bool close_after,
             std::string_view allow = {});
  void on_write(const boost::system::error_code& error, bool close_after);
  void end(std::string_view why, const boost::system::error_code& error);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  Mode mode_;
  std::shared_ptr<ConnectionContext> context_;
  TransportStats& stats_;
  std::string remote_address_;
  std::uint64_t connection_id_ = 0;
  unsigned request_version_ = 11;
  bool reading_ = false;
  bool closing_ = false;
};

// One POST /message, as the gateway sees it: a session that takes exactly one reply.
class HttpExchange final : public Session {
 public:
  HttpExchange(std::shared_ptr<HttpSession> connection, bool close_after);
  ~HttpExchange() override;  // a request left unanswered gets a 500, never silence

  void send(Frame frame) override { reply(std::move(frame), 200); }
  void reply(Frame frame, int status) override;
  void close() override;

 private:
  std::shared_ptr<HttpSession> connection_;
  bool close_after_;
  std::atomic<bool> answered_{false};
};

}  // namespace gw::transports
