#include <gw/gateway/hub.hpp>
#include <gw/gateway/local_router.hpp>
#include <gw/gateway/metrics.hpp>

#include "../hub/topic_activity.hpp"

namespace gw::gateway {

std::optional<Router::Recipient> LocalRouter::to_client(std::string_view id_or_name,
                                                        const Delivery& delivery) {
  // A device's name reaches each of its sessions.
  const auto clients = hub_.find_all(id_or_name);
  if (clients.empty()) return std::nullopt;
  const auto reached = deliver(clients, delivery);
  const auto& newest = *clients.back();
  return Recipient{newest.id(), newest.name(), reached.stored > 0, clients.size()};
}

Router::Reached LocalRouter::to_topic(std::string_view topic, const Delivery& delivery) {
  if (activity_ && activity_->active())
    activity_->seen(topic, *delivery.message(), TopicActivity::Clock::now());
  return deliver(hub_.subscribers(topic), delivery);
}

Router::Reached LocalRouter::to_everyone(const Delivery& delivery) {
  return deliver(hub_.everyone(), delivery);
}

Router::Reached LocalRouter::deliver(const std::vector<std::shared_ptr<Client>>& recipients,
                                     const Delivery& delivery) {
  std::uint64_t dropped = 0;
  Reached reached;
  reached.delivered = recipients.size();
  for (const auto& recipient : recipients) {
    const auto result = recipient->deliver(delivery);
    dropped += result.dropped;
    reached.stored += result.stored ? 1 : 0;
  }
  metrics_.count_deliveries(recipients.size());
  metrics_.count_mailbox_drops(dropped);
  return reached;
}

}  // namespace gw::gateway
