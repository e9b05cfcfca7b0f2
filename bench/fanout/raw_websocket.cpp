#include "raw_websocket.hpp"

#include <cstring>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

namespace gw::bench {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr std::size_t buffer_size = 256 * 1024;
constexpr std::string_view upgrade_request =
    "GET /ws HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
constexpr unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
}  // namespace

RawWebSocket::RawWebSocket(asio::io_context& io, OnText on_text, OnFailure on_failure)
    : socket_(io),
      on_text_(std::move(on_text)),
      on_failure_(std::move(on_failure)),
      buffer_(buffer_size) {}

void RawWebSocket::start(const tcp::endpoint& gateway, std::function<void()> on_open) {
  on_open_ = std::move(on_open);
  socket_.async_connect(gateway, [self = shared_from_this()](boost::system::error_code error) {
    if (error) return self->on_failure_("connect: " + error.message());
    self->socket_.set_option(tcp::no_delay(true));
    asio::async_write(self->socket_, asio::buffer(upgrade_request),
                      [self](boost::system::error_code write_error, std::size_t) {
                        if (write_error)
                          return self->on_failure_("upgrade: " + write_error.message());
                        self->read_upgrade();
                      });
  });
}

void RawWebSocket::read_upgrade() {
  socket_.async_read_some(
      asio::buffer(buffer_.data() + filled_, buffer_.size() - filled_),
      [self = shared_from_this()](boost::system::error_code error, std::size_t size) {
        if (error) return self->on_failure_("upgrade response: " + error.message());
        self->filled_ += size;
        const std::string_view seen(self->buffer_.data(), self->filled_);
        const auto end = seen.find("\r\n\r\n");
        if (end == std::string_view::npos) return self->read_upgrade();
        if (!seen.starts_with("HTTP/1.1 101"))
          return self->on_failure_("upgrade refused: " +
                                   std::string(seen.substr(0, seen.find('\r'))));
        const auto rest = self->filled_ - (end + 4);
        std::memmove(self->buffer_.data(), self->buffer_.data() + end + 4, rest);
        self->filled_ = rest;
        self->on_open_();
        if (!self->split_frames()) return;
        self->read_frames();
      });
}

void RawWebSocket::read_frames() {
  socket_.async_read_some(
      asio::buffer(buffer_.data() + filled_, buffer_.size() - filled_),
      [self = shared_from_this()](boost::system::error_code error, std::size_t size) {
        if (error) {
          if (error != asio::error::operation_aborted)
            self->on_failure_("read: " + error.message());
          return;
        }
        self->filled_ += size;
        if (self->split_frames()) self->read_frames();
      });
}

bool RawWebSocket::split_frames() {
  std::size_t at = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(buffer_.data());
  while (filled_ - at >= 2) {
    const unsigned opcode = bytes[at] & 0x0f;
    std::uint64_t length = bytes[at + 1] & 0x7f;
    std::size_t header = 2;
    if (length == 126) {
      if (filled_ - at < 4) break;
      length = (std::uint64_t{bytes[at + 2]} << 8) | bytes[at + 3];
      header = 4;
    } else if (length == 127) {
      if (filled_ - at < 10) break;
      length = 0;
      for (int i = 0; i < 8; ++i)
        length = (length << 8) | bytes[at + 2 + i];
      header = 10;
    }
    if (header + length > buffer_.size()) {
      on_failure_("a frame larger than the benchmark's buffer");
      return false;
    }
    if (filled_ - at < header + length) break;
    if (opcode == 0x1) on_text_({buffer_.data() + at + header, static_cast<std::size_t>(length)});
    if (opcode == 0x8) {
      on_failure_("closed by the gateway");
      return false;
    }
    at += header + static_cast<std::size_t>(length);
  }
  std::memmove(buffer_.data(), buffer_.data() + at, filled_ - at);
  filled_ -= at;
  return true;
}

void RawWebSocket::send(std::string_view text) {
  std::string frame;
  frame.push_back(static_cast<char>(0x81));  // FIN, text
  if (text.size() < 126) {
    frame.push_back(static_cast<char>(0x80 | text.size()));
  } else {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>(text.size() >> 8));
    frame.push_back(static_cast<char>(text.size() & 0xff));
  }
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < text.size(); ++i)
    frame.push_back(static_cast<char>(text[i] ^ mask[i % 4]));
  outgoing_.push_back(std::move(frame));
  if (!writing_) write_next();
}

void RawWebSocket::write_next() {
  if (outgoing_.empty()) {
    writing_ = false;
    return;
  }
  writing_ = true;
  writing_now_.clear();
  for (auto& frame : outgoing_)  // everything queued goes in one write
    writing_now_ += frame;
  outgoing_.clear();
  asio::async_write(socket_, asio::buffer(writing_now_),
                    [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                      if (error) return self->on_failure_("write: " + error.message());
                      self->write_next();
                    });
}

void RawWebSocket::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace gw::bench
