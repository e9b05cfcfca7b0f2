#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/steady_timer.hpp>

#include <gw/transports/session.hpp>

#include "coalescing_stream.hpp"
#include "connection_context.hpp"
#include "websocket_reader.hpp"

namespace gw::transports {

// One WebSocket connection over a PlainStream or a TlsStream (tls_stream.hpp), from the upgrade
// to the close handshake. One token per message both ways. Frames are read by a
// WebSocketReader and written by the session itself into a CoalescingStream, which sends what
// accumulates in one system call, bounded in bytes. A plain connection waiting for its next
// message holds no read buffer: it waits to become readable, then reads into room the network
// thread lends (ReadChunk). An idle connection is pinged, and closed when a ping goes
// unanswered for as long again.
template <class Stream>
class WebSocketSession final : public Session,
                               public Closable,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  WebSocketSession(Stream stream, std::shared_ptr<ConnectionContext> context);
  ~WebSocketSession() override;

  // Accepts the upgrade of a request for `target` with `key` (refused_upgrade passed both).
  void run(std::string_view target, std::string_view key);

  void send(Frame frame) override;
  void close() override;
  std::string_view opening_query() const noexcept override { return query_; }

 private:
  using std::enable_shared_from_this<WebSocketSession<Stream>>::shared_from_this;
  using std::enable_shared_from_this<WebSocketSession<Stream>>::weak_from_this;

  boost::asio::ip::tcp::socket& socket();
  void read();
  void on_readable(const boost::system::error_code& error);
  // Handles what was read; false once reading is over (the close handshake, a broken frame).
  bool on_bytes(std::span<char> bytes);
  bool on_event(const WebSocketReader::Event& event);
  void write_control(WebSocketOpcode opcode, std::string_view payload);
  void send_close(std::uint16_t code, std::string_view reason);
  void finish();
  void arm_timer(std::chrono::seconds wait);
  void on_timer(const boost::system::error_code& error);
  void cut_off();
  void lose(std::string_view why, const boost::system::error_code& error);
  void end(Handler::Ending ending);
  // A goodbye once the client sent its close frame first, whatever happens after; else lost.
  Handler::Ending ending() const noexcept {
    return goodbye_ ? Handler::Ending::goodbye : Handler::Ending::lost;
  }

  CoalescingStream<Stream> stream_;
  WebSocketReader reader_;
  boost::asio::steady_timer timer_;  // pings while open, then bounds the close handshake
  std::string tls_read_buffer_;      // over TLS only: the TLS layer reads into a buffer it is given
  std::shared_ptr<ConnectionContext> context_;
  TransportStats& stats_;
  std::string query_;  // of the upgrade request's target; set before the handler hears of it
  std::uint64_t connection_id_ = 0;
  bool opened_ = false;           // the handler was told of this session
  bool ended_ = false;            // the connection is over; nothing more to write
  bool closing_ = false;          // close() was called: what was sent goes first, then the close
  bool close_sent_ = false;       // the gateway's close frame is written: nothing follows it
  bool finishing_ = false;        // the close handshake is over: flushing, then shutting down
  bool goodbye_ = false;          // the client closed first: its leaving is not a loss
  bool heard_ = false;            // bytes came since the timer last fired
  bool ping_unanswered_ = false;  // the timer's last firing sent a ping
};

}  // namespace gw::transports
