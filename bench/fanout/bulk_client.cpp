#include "bulk_client.hpp"

#include <cstring>

#include <boost/asio/write.hpp>

namespace gw::bench {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr std::size_t buffer_bytes = 256 * 1024;
}  // namespace

BulkClient::BulkClient(asio::io_context& io, OnFailure on_failure)
    : socket_(io), on_failure_(std::move(on_failure)), buffer_(buffer_bytes) {}

void BulkClient::connect(const tcp::endpoint& server, std::function<void()> then) {
  socket_.async_connect(
      server, [self = shared_from_this(), then = std::move(then)](boost::system::error_code error) {
        if (error) return self->fail("connect: " + error.message());
        self->socket_.set_option(tcp::no_delay(true));
        then();
      });
}

void BulkClient::read() {
  socket_.async_read_some(
      asio::buffer(buffer_.data() + filled_, buffer_.size() - filled_),
      [self = shared_from_this()](boost::system::error_code error, std::size_t size) {
        if (error) {
          if (error != asio::error::operation_aborted) self->fail("read: " + error.message());
          return;
        }
        self->filled_ += size;
        const auto used = self->split({self->buffer_.data(), self->filled_});
        if (!used) return;
        std::memmove(self->buffer_.data(), self->buffer_.data() + *used, self->filled_ - *used);
        self->filled_ -= *used;
        self->read();
      });
}

void BulkClient::write(std::string_view bytes) {
  outgoing_ += bytes;
  if (!writing_) write_next();
}

void BulkClient::write_next() {
  if (outgoing_.empty()) {
    writing_ = false;
    return;
  }
  writing_ = true;
  writing_now_.swap(outgoing_);
  outgoing_.clear();
  asio::async_write(socket_, asio::buffer(writing_now_),
                    [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                      if (error) return self->fail("write: " + error.message());
                      self->writing_now_.clear();
                      self->write_next();
                    });
}

void BulkClient::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace gw::bench
