#include "http_exchanger.hpp"

#include <algorithm>

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <gw/client/client_error.hpp>

#include "resolve.hpp"
#include "tls_stream.hpp"

namespace gw::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
constexpr std::size_t max_answer_bytes = 1024 * 1024;
}  // namespace

std::unique_ptr<HttpExchanger> make_http_exchanger(asio::io_context& io, GatewayUrl url,
                                                   const std::shared_ptr<asio::ssl::context>& tls) {
  if (url.tls) return std::make_unique<BasicHttpExchanger<TlsStream>>(io, std::move(url), tls);
  return std::make_unique<BasicHttpExchanger<PlainStream>>(io, std::move(url), nullptr);
}

template <class Stream>
BasicHttpExchanger<Stream>::BasicHttpExchanger(asio::io_context& io, GatewayUrl url,
                                               std::shared_ptr<asio::ssl::context> tls)
    : io_(io), url_(std::move(url)), tls_(std::move(tls)) {}

template <class Stream>
asio::awaitable<HttpExchanger::Answer> BasicHttpExchanger<Stream>::post(
    std::string token, std::chrono::milliseconds timeout) {
  if (closed_) throw ClientError(ErrorKind::closed, "the client is closed");
  // A kept-alive connection may have been closed by the gateway meanwhile: one retry on a new one.
  while (!idle_.empty()) {
    auto stream = idle_.back();
    idle_.pop_back();
    try {
      co_return co_await exchange(stream, token, timeout);
    } catch (const ClientError& error) {
      if (error.kind() != ErrorKind::closed) throw;
    }
  }
  auto stream = std::make_shared<Stream>(new_stream<Stream>(io_, tls_.get()));
  busy_.push_back(stream);  // so that close() reaches it while it connects
  beast::get_lowest_layer(*stream).expires_after(timeout);
  co_await connect_stream(beast::get_lowest_layer(*stream), url_);
  co_await secure(*stream, url_);
  try {
    co_return co_await exchange(stream, token, timeout);
  } catch (const ClientError& error) {
    if (error.kind() != ErrorKind::closed) throw;
    throw ClientError(ErrorKind::unreachable,
                      url_.to_string() + " closed the connection without answering");
  }
}

template <class Stream>
asio::awaitable<HttpExchanger::Answer> BasicHttpExchanger<Stream>::exchange(
    Connection stream, const std::string& token, std::chrono::milliseconds timeout) {
  if (closed_) throw ClientError(ErrorKind::closed, "the client is closed");
  busy_.erase(
      std::remove_if(busy_.begin(), busy_.end(),
                     [&](const auto& weak) { return weak.expired() || weak.lock() == stream; }),
      busy_.end());
  busy_.push_back(stream);
  http::request<http::string_body> request{http::verb::post, "/message", 11};
  request.set(http::field::host, url_.host + ":" + std::to_string(url_.port));
  request.set(http::field::user_agent, "gw-client");
  request.set(http::field::content_type, "text/plain");
  request.body() = token;
  request.prepare_payload();
  beast::get_lowest_layer(*stream).expires_after(timeout);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_answer_bytes);
  try {
    co_await http::async_write(*stream, request, asio::use_awaitable);
    co_await http::async_read(*stream, buffer, parser, asio::use_awaitable);
  } catch (const boost::system::system_error& error) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(*stream).socket().close(ignored);
    if (error.code() == beast::error::timeout)
      throw ClientError(ErrorKind::timeout, "no answer from " + url_.to_string() + " within " +
                                                std::to_string(timeout.count()) + " ms");
    throw ClientError(ErrorKind::closed,
                      "connection to " + url_.to_string() + " lost: " + error.code().message());
  }
  auto response = parser.release();
  // Every Fernet token begins "gA" (version byte 0x80); any other error body is the server's
  // own words, such as a TLS port's refusal of plain HTTP.
  if (response.result() != http::status::ok && !response.body().starts_with("gA"))
    throw ClientError(ErrorKind::unreachable,
                      url_.to_string() + " answered HTTP " + std::to_string(response.result_int()) +
                          ", not a token: " + gateway_words(response.body()));
  Answer answer{static_cast<int>(response.result_int()), std::move(response.body())};
  if (response.keep_alive() && !closed_ && idle_.size() < max_idle_streams) {
    beast::get_lowest_layer(*stream).expires_never();
    idle_.push_back(std::move(stream));
  }
  co_return answer;
}

template <class Stream>
void BasicHttpExchanger<Stream>::close() {
  closed_ = true;
  boost::system::error_code ignored;
  for (auto& stream : idle_)
    beast::get_lowest_layer(*stream).socket().close(ignored);
  for (auto& weak : busy_)
    if (auto stream = weak.lock()) beast::get_lowest_layer(*stream).socket().close(ignored);
  idle_.clear();
  busy_.clear();
}

template class BasicHttpExchanger<PlainStream>;
template class BasicHttpExchanger<TlsStream>;

}  // namespace gw::client
