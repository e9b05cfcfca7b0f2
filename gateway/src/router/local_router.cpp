#include <gw/gateway/hub.hpp>
#include <gw/gateway/local_router.hpp>
#include <gw/gateway/metrics.hpp>

namespace gw::gateway {

std::optional<Router::Recipient> LocalRouter::to_client(std::string_view id_or_name,
                                                        const Delivery& delivery) {
  auto client = hub_.find(id_or_name);
  if (!client) return std::nullopt;
  deliver({client}, delivery);
  return Recipient{client->id(), client->name()};
}

std::size_t LocalRouter::to_topic(std::string_view topic, const Delivery& delivery) {
  return deliver(hub_.subscribers(topic), delivery);
}

std::size_t LocalRouter::to_everyone(const Delivery& delivery) {
  return deliver(hub_.everyone(), delivery);
}

std::size_t LocalRouter::deliver(const std::vector<std::shared_ptr<Client>>& recipients,
                                 const Delivery& delivery) {
  std::uint64_t dropped = 0;
  for (const auto& recipient : recipients)
    dropped += recipient->deliver(delivery);
  metrics_.count_deliveries(recipients.size());
  metrics_.count_mailbox_drops(dropped);
  return recipients.size();
}

}  // namespace gw::gateway
