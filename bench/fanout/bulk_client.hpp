#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace gw::bench {

// What the benchmark's minimal clients share, so that a thousand of them cost the machine little
// next to the server they measure: reads in bulk into one buffer, split in place by the
// protocol's own class, and everything queued sent in one write.
class BulkClient : public std::enable_shared_from_this<BulkClient> {
 public:
  using OnFailure = std::function<void(const std::string& what)>;

  BulkClient(boost::asio::io_context& io, OnFailure on_failure);
  virtual ~BulkClient() = default;

  void close();

 protected:
  // Connects with Nagle's algorithm off, then calls `then`.
  void connect(const boost::asio::ip::tcp::endpoint& server, std::function<void()> then);
  // Reads until closed, handing each read's unconsumed bytes to split().
  void read();
  // Queues bytes to send; what is queued while a write is in flight goes in the next one.
  void write(std::string_view bytes);
  void fail(const std::string& what) { on_failure_(what); }
  std::size_t buffer_size() const noexcept { return buffer_.size(); }

 private:
  // Handles every whole unit at the front of `unread` and returns the bytes it used, or nothing
  // after calling fail() to stop reading.
  virtual std::optional<std::size_t> split(std::string_view unread) = 0;
  void write_next();

  boost::asio::ip::tcp::socket socket_;
  OnFailure on_failure_;
  std::vector<char> buffer_;
  std::size_t filled_ = 0;
  bool writing_ = false;
  std::string outgoing_;
  std::string writing_now_;
};

}  // namespace gw::bench
