#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include <gw/gateway/delivery.hpp>

namespace gw::gateway {

struct Delivery::OtherKeys {
  std::mutex mutex;
  std::string plaintext;
  std::vector<std::pair<std::uint64_t, transports::Frame>> frames;  // by Fernet::id
};

Delivery::Delivery(transports::Frame frame, std::shared_ptr<const message::Message> message,
                   std::string plaintext)
    : frame_(std::move(frame)),
      message_(std::move(message)),
      other_keys_(std::make_shared<OtherKeys>()) {
  other_keys_->plaintext = std::move(plaintext);
}

transports::Frame Delivery::frame_for(const message::Fernet& key) const {
  std::lock_guard lock(other_keys_->mutex);
  auto& frames = other_keys_->frames;
  for (const auto& [id, frame] : frames)
    if (id == key.id()) return frame;
  auto& plaintext = other_keys_->plaintext;
  if (plaintext.empty()) {
    // Encoded under the shared key already, the message has a JSON form.
    auto json = message_->to_json();
    if (json) plaintext = std::move(*json);
  }
  frames.emplace_back(key.id(), std::make_shared<const std::string>(key.encrypt(plaintext)));
  return frames.back().second;
}

message::Result<Delivery> make_delivery(const message::Codec& codec, message::Message message) {
  auto plaintext = codec.plaintext_of(message);
  if (!plaintext) return plaintext.error();
  auto frame = std::make_shared<const std::string>(codec.keys().primary().encrypt(*plaintext));
  return Delivery(std::move(frame), std::make_shared<const message::Message>(std::move(message)),
                  std::move(*plaintext));
}

void add_retained_copy(Delivery& live, const message::Codec& codec) {
  auto marked = *live.message();
  marked.retain = true;
  if (auto copy = make_delivery(codec, std::move(marked))) live.set_as_published(std::move(*copy));
}

}  // namespace gw::gateway
