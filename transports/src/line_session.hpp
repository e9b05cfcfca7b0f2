#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <gw/transports/session.hpp>

#include "connection_context.hpp"
#include "write_queue.hpp"

namespace gw::transports {

// One line-framed TCP connection: a token per line ("\n", a "\r" before it ignored) in both
// directions. At most one write in flight, the rest in a bounded queue.
class LineSession final : public Session,
                          public Closable,
                          public std::enable_shared_from_this<LineSession> {
 public:
  LineSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<ConnectionContext> context);
  ~LineSession() override;

  void run();
  void send(Frame frame) override;
  void close() override;
  void admitted() override;

 private:
  void arm_admission_timer();
  void do_read();
  void on_read(const boost::system::error_code& error, std::size_t line_end);
  void arm_idle_timer();
  void enqueue(Frame frame);
  void do_write();
  void on_write(const boost::system::error_code& error);
  void shut_down();
  void end(std::string_view why, const boost::system::error_code& error);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer idle_timer_;
  boost::asio::steady_timer admission_timer_;  // until the first authentic token
  std::string read_buffer_;
  std::shared_ptr<ConnectionContext> context_;
  TransportStats& stats_;
  WriteQueue queue_;
  std::uint64_t connection_id_ = 0;
  bool opened_ = false;
  bool ended_ = false;
  bool writing_ = false;
  bool closing_ = false;  // write what is queued, then close
  std::atomic<bool> admitted_{false};
};

}  // namespace gw::transports
