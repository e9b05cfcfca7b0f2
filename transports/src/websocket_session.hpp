#pragma once

#include <cstdint>
#include <memory>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <gw/transports/session.hpp>

#include "coalescing_stream.hpp"
#include "connection_context.hpp"

namespace gw::transports {

// One WebSocket connection over a PlainStream or a TlsStream (tls_stream.hpp), from the upgrade
// request to the close frame. One token per message both ways. Beast reads messages and answers
// control frames; the gateway frames its own messages into the stream's buffer, which sends
// what accumulates in one system call, bounded in bytes.
template <class Stream>
class WebSocketSession final : public Session,
                               public Closable,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  WebSocketSession(Stream stream, std::shared_ptr<ConnectionContext> context);
  ~WebSocketSession() override;

  // Completes the upgrade that `request` asked for.
  void run(boost::beast::http::request<boost::beast::http::string_body> request);

  void send(Frame frame) override;
  void close() override;
  std::string_view opening_query() const noexcept override { return query_; }

 private:
  using std::enable_shared_from_this<WebSocketSession<Stream>>::shared_from_this;
  using std::enable_shared_from_this<WebSocketSession<Stream>>::weak_from_this;

  void on_accept(const boost::system::error_code& error);
  void do_read();
  void on_read(const boost::system::error_code& error);
  void enqueue(Frame frame);
  void do_close();
  void cut_off();
  void end(const boost::system::error_code& error);

  boost::beast::websocket::stream<CoalescingStream<Stream>> ws_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ConnectionContext> context_;
  TransportStats& stats_;
  std::string query_;  // of the upgrade request's target; set before the handler hears of it
  std::uint64_t connection_id_ = 0;
  bool opened_ = false;   // the handler was told of this session
  bool ended_ = false;    // the connection is over; nothing more to write
  bool closing_ = false;  // close() was called: what was sent goes first, then the close frame
};

}  // namespace gw::transports
