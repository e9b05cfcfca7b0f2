#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gw/client/client.hpp>
#include <gw/message/message.hpp>

namespace gw::client {

// The services this client provides (`provide NAME`), and its answers to what the gateway asks
// of it: a call of one of them, or the ping service's ping. Touched only on the client's thread.
class ProvidedServices {
 public:
  void add(const std::string& name, ServiceHandler handler, std::string description);
  void remove(const std::string& name);
  bool empty() const noexcept { return services_.empty(); }
  // The provide requests that make the gateway know them again (after a new connection: the
  // gateway forgets a provider whose connection ended).
  std::vector<message::Message> provide_requests() const;

  // Whether `message` is the gateway asking something of us (a call or a ping, with an id of
  // the gateway's); then its answer, if any now, goes to `send`.
  using Send = std::function<void(message::Message)>;
  bool answer(const message::Message& message, const Send& send) const;
  // The reply to `call` that carries `answer`'s code (200 if unset), text and data.
  static message::Message reply_to(const message::Message& call, message::Message answer);

 private:
  struct Service {
    ServiceHandler handler;
    std::string description;
  };
  std::map<std::string, Service, std::less<>> services_;
};

}  // namespace gw::client
