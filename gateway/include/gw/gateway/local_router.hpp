#pragma once

#include <memory>
#include <vector>

#include <gw/gateway/router.hpp>

namespace gw::gateway {

class Client;
class Hub;
class Metrics;
class TopicActivity;  // gateway/src/hub/

// The router of one gateway: recipients are this hub's clients, found under the hub's locks
// and delivered to after them. Counts deliveries and mailbox drops, and tells `activity` (when
// given) what is published to which topic, whether anyone here subscribes or not.
class LocalRouter final : public Router {
 public:
  LocalRouter(Hub& hub, Metrics& metrics, TopicActivity* activity = nullptr)
      : hub_(hub), metrics_(metrics), activity_(activity) {}

  std::optional<Recipient> to_client(std::string_view id_or_name,
                                     const Delivery& delivery) override;
  Reached to_topic(std::string_view topic, const Delivery& delivery) override;
  Reached to_everyone(const Delivery& delivery) override;

 private:
  Reached deliver(const std::vector<std::shared_ptr<Client>>& recipients, const Delivery& delivery);

  Hub& hub_;
  Metrics& metrics_;
  TopicActivity* activity_;
};

}  // namespace gw::gateway
