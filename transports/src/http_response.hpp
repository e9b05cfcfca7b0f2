#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gw::transports {

// What heads every HTTP response of the gateway, apart from the body.
struct ResponseHead {
  int status = 200;
  unsigned version = 11;  // of the request: 10 or 11
  std::string_view content_type;
  std::size_t content_length = 0;
  bool close_after = false;            // the connection ends after this response
  std::string_view allow;              // for a 405: the methods the path takes
  std::string_view websocket_version;  // for a 426 to a WebSocket upgrade: the version served
};

// Appends the status line and headers of `head`, ending with the blank line: the response is
// written as one buffer, its head and body together, with no serializer between.
void append_response_head(std::string& out, const ResponseHead& head);

}  // namespace gw::transports
