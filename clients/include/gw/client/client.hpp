#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gw/client/client_error.hpp>
#include <gw/client/gateway_url.hpp>
#include <gw/message/key_ring.hpp>
#include <gw/message/message.hpp>

namespace gw::client {

class ClientCore;

struct ClientOptions {
  std::string name;  // asked for in the handshake; the gateway adds -2, -3 to a taken one
  std::chrono::milliseconds timeout{5000};     // to connect, to handshake, for each reply
  std::chrono::milliseconds keepalive{15000};  // ping after this long without traffic; 0: never
  // WebSocket and TCP reconnect after a lost connection, waiting from the first to the last of
  // these (doubling, each wait cut at random by up to half so that clients spread out).
  std::chrono::milliseconds reconnect_first{250};
  std::chrono::milliseconds reconnect_last{10000};
  std::chrono::seconds poll_wait{25};  // HTTP: how long each background long poll is held
  bool receive = true;                 // HTTP: run the background long poll at all
  // https and wss: the certificate (PEM) to trust, such as a gateway's self-signed one;
  // empty: the system's trusted authorities. The gateway's name is checked either way.
  std::string ca_file;
  // What the handshake says this client answers, {"commands": [...], "requestables": [...]}:
  // `ask` then refuses anything else, and {"commands": ["ping"]} lets the gateway's ping
  // service measure the round trip (the client answers its pings by itself). Null: nothing said,
  // and `ask` may send anything.
  nlohmann::json offers = nullptr;
};

enum class ConnectionState { connecting, connected, reconnecting, closed };
std::string_view to_string(ConnectionState state) noexcept;

// What the handshake told us.
struct GatewayInfo {
  std::string name;
  std::string id;
  std::string version;
  nlohmann::json endpoints;  // {http, ws, ws_path, udp, tcp, tls}
  std::string session_id;
  std::string session_name;
  double clock_offset = 0;  // seconds to add to our clock to get the gateway's
};

using MessageHandler = std::function<void(const message::Message&)>;
using StateHandler = std::function<void(ConnectionState, const std::string& why)>;
// A service's answer to a call (a message with the caller's args, text and data, `from` the
// caller): its code (200 if unset), text and data go back to the caller. Nothing: answered
// later with Client::answer, or not at all (the caller gets 504 after the gateway's timeout).
using ServiceHandler = std::function<std::optional<message::Message>(const message::Message& call)>;

// A connection to one gateway over any of its transports. Blocking calls (connect, request and
// the helpers built on it) may come from any thread but not from inside a handler: handlers run
// on the client's own thread, one at a time, and must return quickly.
class Client {
 public:
  // Connects, handshakes, and starts receiving. ClientError on failure: unreachable when nothing
  // answered (on UDP, a gateway without our key stays silent, so this names that case too),
  // wrong_key when the gateway's answers do not decrypt with `keys`.
  static Client connect(std::string_view url, message::KeyRing keys, ClientOptions options = {});

  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();  // closes

  // Sends and waits for the reply with the same id (one is made when empty). The reply may have
  // any code; ClientError on timeout, a wrong key or a lost connection.
  message::Message request(message::Message request);
  // Sends without waiting for a reply.
  void send(message::Message message);

  message::Message ping();
  message::Message publish(std::string topic, std::string text, nlohmann::json data = nullptr);
  // Subscribes and calls `handler` for each message published to a topic `filter` matches. The
  // subscription is made again after a reconnect or a new session, from the last offset
  // received where the gateway keeps the topic's history, so that nothing kept is missed.
  // `since` ("EPOCH:OFFSET" or an ISO-8601 time): first what history kept after it; the reply
  // says how many (`data.missed`) and whether that was all (`data.recovered`).
  message::Message subscribe(std::string filter, MessageHandler handler, std::string since = {});
  message::Message unsubscribe(const std::string& filter);
  // Calls `handler` for every message that is not a reply to our requests nor a call of a
  // service this client provides.
  void on_message(MessageHandler handler);
  // Serves command `name` to every client: each call runs `handler` on the client's thread (so
  // it must return quickly; for longer work, return nothing and answer later). Provided again
  // after a reconnect, as the gateway forgets a provider whose connection ended. The reply is
  // the gateway's: 200, or 403/409/400 saying why not. WebSocket, TCP and UDP only.
  message::Message provide(std::string name, ServiceHandler handler, std::string description = {});
  message::Message unprovide(const std::string& name);
  // Answers a call later, from any thread.
  void answer(const message::Message& call, message::Message answer);
  void on_state(StateHandler handler);

  GatewayInfo gateway() const;
  ConnectionState state() const;
  const GatewayUrl& url() const;
  void close();

 private:
  explicit Client(std::shared_ptr<ClientCore> core);
  std::shared_ptr<ClientCore> core_;
};

}  // namespace gw::client
