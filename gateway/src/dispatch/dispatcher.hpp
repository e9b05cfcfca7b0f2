#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <gw/gateway/client.hpp>
#include <gw/gateway/command_registry.hpp>
#include <gw/gateway/identities.hpp>
#include <gw/gateway/metrics.hpp>
#include <gw/gateway/reply_sink.hpp>
#include <gw/message/codec.hpp>
#include <gw/message/message.hpp>
#include <gw/transports/handler.hpp>

#include "identity/key_hints.hpp"

namespace gw::gateway {

class Gateway;

// Where every frame from every transport goes: decode it (the key it is under says who sent
// it), find its client and its command, check the permissions, run it, and send the reply back
// through the session it came from, under the sender's key. Knows nothing of sockets.
class Dispatcher final : public transports::Handler, public ReplySink {
 public:
  explicit Dispatcher(Gateway& gateway) : gateway_(gateway) {}

  void on_open(const std::shared_ptr<transports::Session>& session) override;
  void on_frame(const std::shared_ptr<transports::Session>& session,
                std::string_view frame) override;
  void on_too_large(const std::shared_ptr<transports::Session>& session) override;
  void on_close(const transports::Session& session, Ending ending) override;
  transports::HttpPage page(std::string_view target) override;

  void complete(const std::shared_ptr<transports::Session>& session, message::Message reply,
                std::string_view cmd, std::string_view id, const Identity* identity) override;

 private:
  using IdentityPtr = std::shared_ptr<const Identity>;

  void handle_frame(const std::shared_ptr<transports::Session>& session, std::string_view frame);
  // The devices whose keys a token from `session` is tried under first: the one its connection
  // (`connected`, the connection's client) speaks as, or those heard lately from its host.
  KeyHints::Names hints_for(const transports::Session& session, const Client* connected,
                            const Identities& identities);
  // False, with the refusal sent, when the session's address is over a rate limit.
  bool within_address_rate(const std::shared_ptr<transports::Session>& session,
                           std::chrono::steady_clock::time_point now);
  void refuse_rate(const std::shared_ptr<transports::Session>& session, Metrics::RateLimit limit,
                   std::string text, const message::Message* request, const Identity* identity,
                   std::chrono::steady_clock::time_point now);
  // False, with the refusal sent (or silence on UDP), for a token acted on before.
  bool admitted_once(const std::shared_ptr<transports::Session>& session,
                     const message::DecodedMessage& decoded, const message::Codec& codec,
                     const Identity* identity);
  // `connected`: the client of a connection (looked up once per frame), else null.
  void run(const std::shared_ptr<transports::Session>& session, const message::Message& request,
           const IdentityPtr& identity, const message::Codec& codec,
           std::shared_ptr<Client> connected);
  // Runs a command whose permission has been checked and replies with what it returns.
  void execute(const Command& command, const std::shared_ptr<transports::Session>& session,
               const message::Message& request, const std::shared_ptr<Client>& client,
               const IdentityPtr& identity, const message::Codec& codec);
  // The client a request comes from (null without a session), given the identity the
  // request's key is. `unknown_token`: a session token the hub does not know. `refused`: the
  // client is another identity's (a connection that spoke under another key, a session token
  // of another device's), which this request may not use.
  struct Sender {
    std::shared_ptr<Client> client;
    bool unknown_token = false;
    std::string held_by;  // a cluster's live gateway that holds the unknown token's session
    std::string refused;
  };
  Sender sender_of(const std::shared_ptr<transports::Session>& session,
                   const message::Message& request, const IdentityPtr& identity,
                   std::shared_ptr<Client> connected);
  void reply(const std::shared_ptr<transports::Session>& session, message::Message reply,
             const message::Message* request, const message::Codec& codec,
             const Identity* identity);
  void reply_error(const std::shared_ptr<transports::Session>& session, std::int64_t code,
                   std::string text, const message::Message* request, const message::Codec& codec,
                   const Identity* identity);

  Gateway& gateway_;
};

}  // namespace gw::gateway
