#include "raw_nats.hpp"

#include <charconv>

namespace gw::bench {

RawNats::RawNats(boost::asio::io_context& io, OnMessage on_message, OnPong on_pong,
                 OnFailure on_failure)
    : BulkClient(io, std::move(on_failure)),
      on_message_(std::move(on_message)),
      on_pong_(std::move(on_pong)) {}

void RawNats::start(const boost::asio::ip::tcp::endpoint& server, std::string subject,
                    std::function<void()> on_ready) {
  on_ready_ = std::move(on_ready);
  connect(server, [this, subject = std::move(subject)] {
    std::string hello = R"(CONNECT {"verbose":false,"pedantic":false,"echo":false})"
                        "\r\n";
    if (!subject.empty()) hello += "SUB " + subject + " 1\r\n";
    write(hello + "PING\r\n");
    read();
  });
}

std::optional<std::size_t> RawNats::split(std::string_view unread) {
  std::size_t at = 0;
  while (true) {
    const auto rest = unread.substr(at);
    const auto end = rest.find("\r\n");
    if (end == std::string_view::npos) break;
    const auto line = rest.substr(0, end);
    if (line.starts_with("MSG ")) {
      // MSG <subject> <sid> [reply-to] <#bytes>: the size is the last field.
      const auto size_text = line.substr(line.rfind(' ') + 1);
      std::size_t size = 0;
      std::from_chars(size_text.data(), size_text.data() + size_text.size(), size);
      if (end + 2 + size + 2 > buffer_size()) {
        fail("a message larger than the benchmark's buffer");
        return std::nullopt;
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
      write("PONG\r\n");
    } else if (line.starts_with("-ERR")) {
      fail("nats-server: " + std::string(line));
      return std::nullopt;
    }  // INFO and +OK need nothing
    at += end + 2;
  }
  return at;
}

void RawNats::publish(std::string_view subject, std::string_view payload) {
  std::string text = "PUB ";
  text += subject;
  text += ' ';
  text += std::to_string(payload.size());
  text += "\r\n";
  text += payload;
  text += "\r\nPING\r\n";
  write(text);
}

}  // namespace gw::bench
