#pragma once

#include <memory>
#include <string>

#include <gw/message/codec.hpp>
#include <gw/message/message.hpp>
#include <gw/message/result.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

// One message on its way to its recipients: encrypted once per key, so that every recipient
// under the shared key gets the same frame, and every session of a device with its own key the
// same frame under that key; and the message itself for mailboxes (a poll reply carries
// messages, not tokens). Copies share the frames. Thread-safe.
class Delivery {
 public:
  // `frame`: the message under the shared key. `plaintext`: its JSON, if at hand, for the
  // frames under other keys (else written from the message when first needed).
  Delivery(transports::Frame frame, std::shared_ptr<const message::Message> message,
           std::string plaintext = {});

  const std::shared_ptr<const message::Message>& message() const noexcept { return message_; }
  // Under the shared key.
  const transports::Frame& frame() const noexcept { return frame_; }
  // Under `key` (a device's own): encrypted on the first call for that key, the same frame
  // after.
  transports::Frame frame_for(const message::Fernet& key) const;
  // Bytes of a token of this message, under any key.
  std::size_t token_size() const noexcept { return frame_->size(); }
  // A live publication its sender asked to be retained: the same message marked `retain`, for
  // the clients that get it as published (SessionTraits::retain_as_published); else null.
  const std::shared_ptr<const Delivery>& as_published() const noexcept { return as_published_; }
  void set_as_published(Delivery marked) {
    as_published_ = std::make_shared<const Delivery>(std::move(marked));
  }

 private:
  struct OtherKeys;
  transports::Frame frame_;
  std::shared_ptr<const message::Message> message_;
  std::shared_ptr<OtherKeys> other_keys_;
  std::shared_ptr<const Delivery> as_published_;
};

// Encrypts `message` under the codec's key into a delivery. Fails as Codec::encode does (too
// large, not UTF-8).
message::Result<Delivery> make_delivery(const message::Codec& codec, message::Message message);

// Gives `live`, a publication its sender retained, the copy marked `retain` that the clients
// getting publications as published receive (a bridge to MQTT); left as it is when that copy
// cannot be made.
void add_retained_copy(Delivery& live, const message::Codec& codec);

}  // namespace gw::gateway
