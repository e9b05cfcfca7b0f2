#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gw::transports {

// One encoded message as it goes on the wire (a token, without framing). Shared, never copied:
// a broadcast hands the same object to every recipient's write queue.
using Frame = std::shared_ptr<const std::string>;

enum class TransportKind { http, websocket, udp, tcp };
inline constexpr TransportKind all_transport_kinds[] = {
    TransportKind::http, TransportKind::websocket, TransportKind::udp, TransportKind::tcp};

std::string_view to_string(TransportKind kind) noexcept;

// A client as a transport sees it: where frames come from and where replies go. WebSocket and
// TCP sessions are connections; an HTTP session is one request, a UDP session one datagram's
// sender. Every member function is thread-safe and none blocks.
class Session {
 public:
  Session(TransportKind kind, std::string remote_address);
  virtual ~Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Unique in this process, never reused.
  std::uint64_t id() const noexcept { return id_; }
  TransportKind kind() const noexcept { return kind_; }
  const std::string& remote_address() const noexcept { return remote_address_; }
  // The address without its port ("10.0.0.7", "fd00::7"): what per-address limits count by.
  std::string_view host() const noexcept { return host_; }

  // Queues a frame for the client. A connection whose queue is over its byte bound is closed
  // (the client is not reading); UDP drops what it cannot send.
  virtual void send(Frame frame) = 0;

  // Answers the frame this session handed to the gateway. `status` is the reply's code; HTTP
  // uses it as the response status, the other transports send the frame like any other.
  virtual void reply(Frame frame, int status);

  // Ends the session after what is queued has been written (for a bounded time). WebSocket
  // clients receive a close frame.
  virtual void close() = 0;

  // The gateway read an authentic token from this session. A connection that must prove
  // itself within Limits::admission_timeout (TCP, which has no request to complete) is safe
  // from that deadline from now on.
  virtual void admitted() {}

 private:
  const std::uint64_t id_;
  const TransportKind kind_;
  const std::string remote_address_;
  const std::string_view host_;  // views remote_address_
};

// The host part of "IP:PORT" or "[IPv6]:PORT"; the text itself when it has no port.
std::string_view host_of(std::string_view address) noexcept;

}  // namespace gw::transports
