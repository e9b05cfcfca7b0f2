#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <gw/transports/session.hpp>

namespace gw::transports {

// A response to a GET on the HTTP port (health, metrics, pages).
struct HttpPage {
  int status = 404;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// What the transports hand their traffic to. Transports move bytes and never read a token;
// the implementation (the gateway's dispatcher) decodes, acts, and answers through the
// session. Called on network threads: implementations must not block.
class Handler {
 public:
  // How a connection ended: the client said goodbye (a WebSocket close frame it sent), or the
  // connection was lost (end of stream, an error, a timeout, or closed by the gateway), when
  // the client may come back.
  enum class Ending { goodbye, lost };

  virtual ~Handler() = default;

  // A WebSocket or TCP connection is ready for frames.
  virtual void on_open(const std::shared_ptr<Session>& session) = 0;
  // One frame (one token) from the client. An HTTP session must get exactly one reply().
  virtual void on_frame(const std::shared_ptr<Session>& session, std::string_view frame) = 0;
  // The client sent more than the message limit (HTTP and TCP, which answer it; WebSocket and
  // UDP deal with it on their own). The transport closes the session after the reply.
  virtual void on_too_large(const std::shared_ptr<Session>& session) = 0;
  // A WebSocket or TCP connection has ended.
  virtual void on_close(const Session& session, Ending ending) = 0;
  // A GET on the HTTP port for anything but the WebSocket path.
  virtual HttpPage page(std::string_view target) = 0;
};

}  // namespace gw::transports
