#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <gw/message/codec.hpp>
#include <gw/message/key_file.hpp>

namespace gw::bench {

// One TCP connection to a gateway, a session of its own: tokens written a batch at a time, and
// lines (replies, deliveries) read in order. Blocking; one thread uses it at a time.
class TcpLine {
 public:
  TcpLine(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& gateway)
      : socket_(io) {
    socket_.connect(gateway);
    socket_.set_option(boost::asio::ip::tcp::no_delay(true));
  }

  void write(const std::vector<std::string>& tokens) {
    std::string batch;
    for (const auto& token : tokens)
      batch.append(token).push_back('\n');
    boost::asio::write(socket_, boost::asio::buffer(batch));
  }

  std::string read_line() {
    const auto end = boost::asio::read_until(socket_, boost::asio::dynamic_buffer(buffer_), '\n');
    auto line = buffer_.substr(0, end - 1);
    buffer_.erase(0, end);
    return line;
  }

 private:
  boost::asio::ip::tcp::socket socket_;
  std::string buffer_;
};

// The codec of a gateway's key file (read even when others may read it: a benchmark's own).
inline message::Codec codec_from_key_file(const std::string& key_file) {
  auto keys = message::KeyFile::load(key_file, message::KeyFile::Permissions::allow_insecure);
  if (!keys) throw std::runtime_error("cannot load the key: " + keys.error().text);
  return message::Codec(std::move(*keys));
}

// A request's token: `cmd` with `topic` and `text`.
inline std::string request_token(const message::Codec& codec, const std::string& cmd,
                                 const std::string& topic = {}, const std::string& text = {}) {
  message::Message request;
  request.cmd = cmd;
  request.topic = topic;
  request.text = text;
  auto token = codec.encode(request);
  if (!token) throw std::runtime_error("cannot encode: " + token.error().text);
  return std::move(*token);
}

// Throws unless `reply` decodes to a code 200 reply to `cmd`.
inline void expect_ok(const message::Codec& codec, const std::string& reply,
                      const std::string& cmd) {
  auto message = codec.decode(reply);
  if (!message) throw std::runtime_error(cmd + ": undecodable reply: " + message.error().text);
  if (message->code.value_or(0) != 200)
    throw std::runtime_error(cmd + " refused (" + std::to_string(message->code.value_or(0)) +
                             "): " + message->text);
}

}  // namespace gw::bench
