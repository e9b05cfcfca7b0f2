#include "raw_nats.hpp"

#include <charconv>
#include <cstring>

#include <boost/asio/write.hpp>

namespace gw::bench {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr std::size_t buffer_size = 256 * 1024;
}  // namespace

RawNats::RawNats(asio::io_context& io, OnMessage on_message, OnPong on_pong, OnFailure on_failure)
    : socket_(io),
      on_message_(std::move(on_message)),
      on_pong_(std::move(on_pong)),
      on_failure_(std::move(on_failure)),
      buffer_(buffer_size) {}

void RawNats::start(const tcp::endpoint& server, std::string subject,
                    std::function<void()> on_ready) {
  on_ready_ = std::move(on_ready);
  socket_.async_connect(server, [self = shared_from_this(),
                                 subject = std::move(subject)](boost::system::error_code error) {
    if (error) return self->on_failure_("connect: " + error.message());
    self->socket_.set_option(tcp::no_delay(true));
    std::string hello = R"(CONNECT {"verbose":false,"pedantic":false,"echo":false})"
                        "\r\n";
    if (!subject.empty()) hello += "SUB " + subject + " 1\r\n";
    self->send(hello + "PING\r\n");
    self->read();
  });
}

void RawNats::read() {
  socket_.async_read_some(
      asio::buffer(buffer_.data() + filled_, buffer_.size() - filled_),
      [self = shared_from_this()](boost::system::error_code error, std::size_t size) {
        if (error) {
          if (error != asio::error::operation_aborted)
            self->on_failure_("read: " + error.message());
          return;
        }
        self->filled_ += size;
        if (self->split()) self->read();
      });
}

bool RawNats::split() {
  std::size_t at = 0;
  while (true) {
    const std::string_view rest(buffer_.data() + at, filled_ - at);
    const auto end = rest.find("\r\n");
    if (end == std::string_view::npos) break;
    const auto line = rest.substr(0, end);
    if (line.starts_with("MSG ")) {
      // MSG <subject> <sid> [reply-to] <#bytes>: the size is the last field.
      const auto size_text = line.substr(line.rfind(' ') + 1);
      std::size_t size = 0;
      std::from_chars(size_text.data(), size_text.data() + size_text.size(), size);
      if (end + 2 + size + 2 > buffer_.size()) {
        on_failure_("a message larger than the benchmark's buffer");
        return false;
      }
      if (rest.size() < end + 2 + size + 2) break;
      on_message_(rest.substr(end + 2, size));
      at += end + 2 + size + 2;
      continue;
    }
    if (line == "PONG") {
      if (on_ready_)
        std::exchange(on_ready_, nullptr)();
      else
        on_pong_();
    } else if (line == "PING") {
      send("PONG\r\n");
    } else if (line.starts_with("-ERR")) {
      on_failure_("nats-server: " + std::string(line));
      return false;
    }  // INFO and +OK need nothing
    at += end + 2;
  }
  std::memmove(buffer_.data(), buffer_.data() + at, filled_ - at);
  filled_ -= at;
  return true;
}

void RawNats::publish(std::string_view subject, std::string_view payload) {
  std::string text = "PUB ";
  text += subject;
  text += ' ';
  text += std::to_string(payload.size());
  text += "\r\n";
  text += payload;
  text += "\r\nPING\r\n";
  send(std::move(text));
}

void RawNats::send(std::string text) {
  outgoing_ += text;
  if (!writing_) write_next();
}

void RawNats::write_next() {
  if (outgoing_.empty()) {
    writing_ = false;
    return;
  }
  writing_ = true;
  writing_now_.swap(outgoing_);  // everything queued goes in one write
  outgoing_.clear();
  asio::async_write(socket_, asio::buffer(writing_now_),
                    [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                      if (error) return self->on_failure_("write: " + error.message());
                      self->writing_now_.clear();
                      self->write_next();
                    });
}

void RawNats::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace gw::bench
