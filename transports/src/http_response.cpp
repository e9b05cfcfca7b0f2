#include "http_response.hpp"

#include <charconv>

#include <boost/beast/http/status.hpp>

namespace gw::transports {
namespace {

constexpr std::string_view console_policy =
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
constexpr std::string_view strict_policy = "default-src 'none'; frame-ancestors 'none'";

void append_number(std::string& out, std::size_t number) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  out.append(digits, end);
}

}  // namespace

void append_response_head(std::string& out, const ResponseHead& head) {
  out += head.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  append_number(out, static_cast<std::size_t>(head.status));
  out += ' ';
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(head.status));
  out.append(reason.data(), reason.size());
  out += "\r\nServer: gatewayd\r\nContent-Type: ";
  out += head.content_type;
  // No response is a page to sniff as another type or to frame; only the console's HTML may
  // load anything, and only its own script and style and a WebSocket back to a gateway.
  out +=
      "\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
      "X-Frame-Options: DENY\r\nContent-Security-Policy: ";
  out += head.content_type.starts_with("text/html") ? console_policy : strict_policy;
  if (!head.allow.empty()) {
    out += "\r\nAllow: ";
    out += head.allow;
  }
  if (!head.websocket_version.empty()) {
    out += "\r\nSec-WebSocket-Version: ";
    out += head.websocket_version;
  }
  // A rate-limited client may send again once its bucket holds a token: within a second.
  if (head.status == 429) out += "\r\nRetry-After: 1";
  // HTTP/1.1 keeps the connection unless told; HTTP/1.0 closes it unless told.
  if (head.version == 10 && !head.close_after) out += "\r\nConnection: keep-alive";
  if (head.version != 10 && head.close_after) out += "\r\nConnection: close";
  out += "\r\nContent-Length: ";
  append_number(out, head.content_length);
  out += "\r\n\r\n";
}

}  // namespace gw::transports
