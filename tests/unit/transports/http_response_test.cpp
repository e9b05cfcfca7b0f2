#include "http_response.hpp"

#include <string>
#include <string_view>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <catch2/catch.hpp>

namespace {

namespace http = boost::beast::http;
using gw::transports::append_response_head;
using gw::transports::ResponseHead;

ResponseHead head(int status, std::string_view content_type, std::size_t length,
                  std::string_view allow = {}) {
  return {.status = status,
          .version = 11,
          .content_type = content_type,
          .content_length = length,
          .close_after = false,
          .allow = allow,
          .websocket_version = {}};
}

// The head and body as an HTTP client reads them: Beast's own parser.
http::response<http::string_body> parsed(const ResponseHead& head, const std::string& body) {
  std::string text;
  append_response_head(text, head);
  text += body;
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  boost::system::error_code error;
  std::size_t used = 0;
  while (!parser.is_done() && used < text.size()) {
    used += parser.put(boost::asio::buffer(text.data() + used, text.size() - used), error);
    REQUIRE_FALSE(error);
  }
  REQUIRE(parser.is_done());
  REQUIRE(used == text.size());
  return parser.release();
}

}  // namespace

TEST_CASE("a response head reads back with its status, headers and body", "[http]") {
  const auto response = parsed(head(200, "text/plain; charset=utf-8", 5), "token");
  CHECK(response.result_int() == 200);
  CHECK(response.reason() == "OK");
  CHECK(response.version() == 11);
  CHECK(response.body() == "token");
  CHECK(response.keep_alive());
  CHECK(response[http::field::server] == "gatewayd");
  CHECK(response[http::field::content_type] == "text/plain; charset=utf-8");
  CHECK(response["X-Content-Type-Options"] == "nosniff");
  CHECK(response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'");
  CHECK(response.count(http::field::allow) == 0);
  CHECK(response.count(http::field::retry_after) == 0);
}

TEST_CASE("a response head says when the connection closes, in either HTTP version", "[http]") {
  const auto in_version = [](unsigned version, bool close_after) {
    auto plain = head(200, "text/plain", 0);
    plain.version = version;
    plain.close_after = close_after;
    return plain;
  };
  CHECK_FALSE(parsed(in_version(11, true), "").keep_alive());
  CHECK(parsed(in_version(11, false), "").keep_alive());
  CHECK(parsed(in_version(10, false), "").keep_alive());
  CHECK_FALSE(parsed(in_version(10, true), "").keep_alive());
}

TEST_CASE("a response head carries Allow, Retry-After and the console's policy", "[http]") {
  const auto refused = parsed(head(405, "text/plain", 3, "POST"), "no\n");
  CHECK(refused.reason() == "Method Not Allowed");
  CHECK(refused[http::field::allow] == "POST");
  const auto limited = parsed(head(429, "text/plain", 0), "");
  CHECK(limited[http::field::retry_after] == "1");
  const auto page = parsed(head(200, "text/html; charset=utf-8", 0), "");
  CHECK(page["Content-Security-Policy"].starts_with("default-src 'self'"));
}

TEST_CASE("a 426 to a WebSocket upgrade names the version served", "[http]") {
  auto refusal = head(426, "text/plain; charset=utf-8", 0);
  refusal.websocket_version = "13";
  const auto response = parsed(refusal, "");
  CHECK(response.result_int() == 426);
  CHECK(response[http::field::sec_websocket_version] == "13");
  CHECK(parsed(head(400, "text/plain", 0), "").count(http::field::sec_websocket_version) == 0);
}
