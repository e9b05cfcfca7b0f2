#include "retained_sync.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <gw/gateway/hub.hpp>

#include "sealed.hpp"

namespace gw::cluster {

RetainedSync::RetainedSync(NatsConnection& nats, JetStreamWriter& writer, std::string bucket,
                           std::string subject, int replicas, CodecOf codec)
    : nats_(nats),
      writer_(writer),
      bucket_(nats, std::move(bucket), "gw: the retained message of each topic", replicas),
      subject_(std::move(subject)),
      codec_(std::move(codec)) {}

void RetainedSync::changed(const std::string& topic, const message::Message* message) {
  const nlohmann::json change = {{"topic", topic},
                                 {"message", message ? message->to_object() : nlohmann::json()}};
  const auto sealed = seal(*codec_(), change.dump());
  nats_.publish(subject_, sealed);
  writer_.submit([this, key = KeyValueBucket::key_for(topic), sealed, keep = message != nullptr] {
    auto* retained = bucket_.handle();
    if (!retained) return false;
    const auto status = keep ? kvStore_Put(nullptr, retained, key.c_str(), sealed.data(),
                                           static_cast<int>(sealed.size()))
                             : kvStore_Delete(retained, key.c_str());
    return status == NATS_OK;
  });
}

void RetainedSync::apply(gateway::Hub& hub, std::string_view plaintext) {
  const auto change = nlohmann::json::parse(plaintext, nullptr, false);
  if (!change.is_object() || !change.contains("topic")) return;
  std::shared_ptr<const message::Message> message;
  if (const auto& object = change["message"]; object.is_object()) {
    auto parsed = message::Message::from_json(object.dump());
    if (!parsed) return;
    message = std::make_shared<const message::Message>(std::move(*parsed));
  }
  hub.apply_retained(change.value("topic", ""), std::move(message));
}

void RetainedSync::follow(gateway::Hub& hub) {
  nats_.subscribe(subject_, [this, &hub](const NatsConnection::Incoming& incoming) {
    if (const auto plaintext = unseal(*codec_(), incoming.data)) apply(hub, *plaintext);
  });
}

void RetainedSync::load(gateway::Hub& hub) {
  auto* retained = bucket_.handle();
  if (!retained) return;
  kvKeysList keys{};
  if (kvStore_Keys(&keys, retained, nullptr) != NATS_OK) return;
  std::size_t loaded = 0;
  for (int i = 0; i < keys.Count; ++i) {
    KeyValueEntry entry;
    if (kvStore_Get(&entry.entry, retained, keys.Keys[i]) != NATS_OK) continue;
    if (const auto plaintext = unseal(*codec_(), entry.value(), std::chrono::seconds(0))) {
      apply(hub, *plaintext);
      ++loaded;
    }
  }
  kvKeysList_Destroy(&keys);
  if (loaded > 0) spdlog::info("cluster: {} retained message(s) from the cluster", loaded);
}

}  // namespace gw::cluster
