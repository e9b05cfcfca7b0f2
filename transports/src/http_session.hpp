#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <gw/transports/session.hpp>

#include "connection_context.hpp"

namespace gw::transports {

// What an HTTP listener serves: everything, or only the WebSocket path.
enum class HttpMode { http, websocket_only };

// The buffer a connection's requests are read into, bounded by the limits.
boost::beast::flat_buffer request_buffer(const Limits& limits);

// One HTTP connection, as HttpExchange answers it: a request's reply goes here.
class HttpConnection : public Closable {
 public:
  // Writes the answer to the request being served. Thread-safe.
  virtual void answer(Frame frame, int status, bool close_after) = 0;
  virtual const std::string& remote_address() const noexcept = 0;
};

// One HTTP connection over a PlainStream or a TlsStream (tls_stream.hpp): reads a request, has
// it answered, writes the response, and again while the client keeps the connection alive. A
// request for the WebSocket path is handed, with the stream, to a WebSocketSession.
template <class Stream>
class HttpSession final : public HttpConnection,
                          public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  // `received`: bytes already read from the connection (while detecting TLS), if any.
  HttpSession(Stream stream, HttpMode mode, std::shared_ptr<ConnectionContext> context,
              boost::beast::flat_buffer received);
  ~HttpSession() override;

  void run();
  void close() override;
  void answer(Frame frame, int status, bool close_after) override;
  const std::string& remote_address() const noexcept override { return remote_address_; }

 private:
  using std::enable_shared_from_this<HttpSession<Stream>>::shared_from_this;
  using std::enable_shared_from_this<HttpSession<Stream>>::weak_from_this;

  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  void do_read();
  void read_request();
  // Sets the stream's deadline `wait` from now, or the admission deadline if that comes first.
  void arm_deadline(std::chrono::seconds wait);
  void on_read(const boost::system::error_code& error);
  void route(Request& request);
  void serve_message(Request& request);
  void upgrade();
  void write(int status, std::string_view content_type, std::string_view body, bool close_after,
             std::string_view allow = {}, std::string_view websocket_version = {});
  void on_write(const boost::system::error_code& error, bool close_after);
  void end(std::string_view why, const boost::system::error_code& error);

  Stream stream_;  // moved to the WebSocketSession on an upgrade
  boost::asio::any_io_executor executor_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::string response_;  // the response being written, head and body; reused
  HttpMode mode_;
  std::shared_ptr<ConnectionContext> context_;
  TransportStats& stats_;
  std::string remote_address_;
  std::uint64_t connection_id_ = 0;
  unsigned request_version_ = 11;
  bool reading_ = false;
  bool closing_ = false;
  bool upgraded_ = false;         // stream_ is the WebSocketSession's now
  bool admitted_ = false;         // a first request has been read in full
  bool admission_clock_ = false;  // the deadline now running is the admission deadline
  std::chrono::steady_clock::time_point admission_deadline_;
};

// One POST /message, as the gateway sees it: a session that takes exactly one reply.
class HttpExchange final : public Session {
 public:
  HttpExchange(std::shared_ptr<HttpConnection> connection, bool close_after);
  ~HttpExchange() override;  // a request left unanswered gets a 500, never silence

  void send(Frame frame) override { reply(std::move(frame), 200); }
  void reply(Frame frame, int status) override;
  void close() override;

 private:
  std::shared_ptr<HttpConnection> connection_;
  bool close_after_;
  std::atomic<bool> answered_{false};
};

}  // namespace gw::transports
