#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace gw::transports {

// One encoded message as it goes on the wire (a token, without framing). Shared, never copied:
// a broadcast hands the same object to every recipient's write queue.
using Frame = std::shared_ptr<const std::string>;

enum class TransportKind { http, websocket, udp, tcp };
inline constexpr TransportKind all_transport_kinds[] = {
    TransportKind::http, TransportKind::websocket, TransportKind::udp, TransportKind::tcp};

std::string_view to_string(TransportKind kind) noexcept;

// What the gateway's core knows about a kind of session. The dispatcher, hub and commands read
// these and never the kind, so a new transport describes itself here and they do not change.
struct SessionTraits {
  // What metrics, logs and config count it under.
  TransportKind kind = TransportKind::http;
  // A lasting connection (WebSocket, TCP): one client for its whole life, found by the
  // session, ended with it. Otherwise each request names its client by a session token.
  bool connection = false;
  // Where the client's deliveries go: down the connection, to the session of its latest
  // request (UDP: the address it last wrote from), or into its mailbox for polls (HTTP).
  enum class DeliveryPath { connection, latest_request, mailbox };
  DeliveryPath delivery = DeliveryPath::mailbox;
  // Its source address can be forged (UDP). The gateway answers nothing it refuses and nothing
  // that is not a request, so it is never an amplifier nor one half of an endless exchange.
  bool forgeable_source = false;
  // A request without a session token belongs to the session opened from its address (UDP).
  bool found_by_address = false;
  // Every request gets exactly one reply, even when the command has nothing to say (HTTP).
  bool reply_per_request = false;
  // Greeted with a welcome message when it opens (WebSocket, as the original relay did).
  bool welcomed = false;
  // A chat for everyone is answered by the sender's own copy alone (the original relay).
  bool own_copy_answers_chat = false;
  // Not one of the transports but a part of the gateway that speaks to it as a client does (an
  // MQTT bridge: "mqtt"): what logs and `clients` call it, and its clients' ids begin with it.
  // Empty: the transport's name.
  std::string_view part = {};
  // Held to the gateway's rate limits; a part of the gateway paces itself instead.
  bool rate_limited = true;
  // A live publication its sender asked to be retained comes marked `retain` (MQTT 5's
  // retain-as-published), not only a retained one handed out on subscribe: what a bridge to a
  // broker needs to carry the retain flag on.
  bool retain_as_published = false;
  // Only refusals are answered (a code of 300 or more); what succeeded costs no reply to
  // encrypt: for a part of the gateway that acts only on what failed.
  bool refusals_only = false;

  // "http", ..., or the part's name.
  std::string_view label() const noexcept;
};

// The traits of the four transports gw has.
const SessionTraits& traits_of(TransportKind kind) noexcept;

// A client as a transport sees it: where frames come from and where replies go. WebSocket and
// TCP sessions are connections; an HTTP session is one request, a UDP session one datagram's
// sender. Every member function is thread-safe and none blocks.
class Session {
 public:
  Session(const SessionTraits& traits, std::string remote_address);
  // One of the four transports' sessions.
  Session(TransportKind kind, std::string remote_address)
      : Session(traits_of(kind), std::move(remote_address)) {}
  virtual ~Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Unique in this process, never reused.
  std::uint64_t id() const noexcept { return id_; }
  const SessionTraits& traits() const noexcept { return traits_; }
  TransportKind kind() const noexcept { return traits_.kind; }
  // "http", "websocket", ...: for logs.
  std::string_view label() const noexcept { return traits_.label(); }
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

  // The query of the request that opened the session ("device=kitchen-sensor" of
  // /ws?device=kitchen-sensor), as sent: what a WebSocket client asks of its greeting. Empty
  // for the others.
  virtual std::string_view opening_query() const noexcept { return {}; }

 private:
  const std::uint64_t id_;
  const SessionTraits traits_;
  const std::string remote_address_;
  const std::string_view host_;  // views remote_address_
};

// The host part of "IP:PORT" or "[IPv6]:PORT"; the text itself when it has no port.
std::string_view host_of(std::string_view address) noexcept;

}  // namespace gw::transports
