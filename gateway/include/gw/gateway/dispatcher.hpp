#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <gw/message/codec.hpp>
#include <gw/message/message.hpp>
#include <gw/transports/handler.hpp>

namespace gw::gateway {

class Gateway;

// Where every frame from every transport goes: decode it, find its command, run it, and send
// the reply back through the session it came from. Knows nothing of sockets.
class Dispatcher final : public transports::Handler {
 public:
  explicit Dispatcher(Gateway& gateway) : gateway_(gateway) {}

  void on_open(const std::shared_ptr<transports::Session>& session) override;
  void on_frame(const std::shared_ptr<transports::Session>& session,
                std::string_view frame) override;
  void on_too_large(const std::shared_ptr<transports::Session>& session) override;
  void on_close(const transports::Session& session) override;
  transports::HttpPage page(std::string_view target) override;

 private:
  void run(const std::shared_ptr<transports::Session>& session, const message::Message& request,
           const message::Codec& codec);
  // Completes and sends a reply to `request` (or to no request, for errors before decoding).
  void reply(const std::shared_ptr<transports::Session>& session, message::Message reply,
             const message::Message* request, const message::Codec& codec);
  void reply_error(const std::shared_ptr<transports::Session>& session, std::int64_t code,
                   std::string text, const message::Message* request, const message::Codec& codec);

  Gateway& gateway_;
};

}  // namespace gw::gateway
