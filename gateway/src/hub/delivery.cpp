#include <gw/gateway/delivery.hpp>

namespace gw::gateway {

message::Result<Delivery> make_delivery(const message::Codec& codec, message::Message message) {
  auto frame = codec.encode(message);
  if (!frame) return frame.error();
  return Delivery{std::make_shared<const std::string>(std::move(*frame)),
                  std::make_shared<const message::Message>(std::move(message))};
}

}  // namespace gw::gateway
