#include "presence.hpp"

#include <gw/gateway/gateway.hpp>

#include "sealed.hpp"

namespace gw::cluster {

namespace {
// A gateway not heard for this long is gone: its clients leave `clients`, its names are free,
// its sessions may be taken over.
constexpr auto lifetime = std::chrono::seconds(3);
// How long `clients` waits for the other gateways' lists.
constexpr auto clients_timeout = std::chrono::seconds(1);
}  // namespace

Presence::Presence(Parts parts) : parts_(std::move(parts)), roster_(parts_.node, lifetime) {}

void Presence::attach(gateway::Gateway& gateway) {
  gateway_ = &gateway;
  parts_.nats.subscribe(parts_.subjects.heartbeats(), [this](const NatsConnection::Incoming& in) {
    const auto plaintext = unseal(*parts_.codec(), in.data);
    if (!plaintext) return parts_.counters.refused.fetch_add(1, std::memory_order_relaxed), void();
    auto info = nlohmann::json::parse(*plaintext, nullptr, false);
    if (!info.is_object() || !info.contains("node")) return;
    const auto node = info.value("node", "");
    if (node == parts_.node) return;
    // What its clients provide is for the services, not for the list of gateways.
    auto services = info.contains("services") ? std::move(info["services"]) : nlohmann::json();
    info.erase("services");
    roster_.heard(node, std::move(info), Clock::now());
    gateway_->services().set_elsewhere(node, services);
  });
  parts_.nats.subscribe(parts_.subjects.clients(), [this](const NatsConnection::Incoming& in) {
    if (!in.reply.empty()) answer_clients(std::string(in.reply));
  });
}

nlohmann::json Presence::own_info() const {
  auto info = gateway_->server().discovery_json();
  info["node"] = parts_.node;
  if (!parts_.advertise.empty()) info["host"] = parts_.advertise;
  return info;
}

void Presence::send_heartbeat() {
  if (!gateway_) return;
  forget_the_gone();
  if (!parts_.nats.connected()) return;
  auto info = own_info();
  info["services"] = gateway_->services().shared();
  parts_.nats.publish(parts_.subjects.heartbeats(), seal(*parts_.codec(), info.dump()));
}

void Presence::forget_the_gone() {
  const auto now = Clock::now();
  auto& services = gateway_->services();
  for (const auto& node : services.nodes_elsewhere())
    if (!roster_.alive(node, now)) services.forget(node);
}

bool Presence::alive(const std::string& node) const {
  const auto now = Clock::now();
  return now - started_ < roster_.lifetime() || roster_.alive(node, now);
}

std::size_t Presence::others_alive() const {
  return roster_.others(Clock::now()).size();
}

nlohmann::json Presence::nodes() const {
  return roster_.nodes(own_info(), Clock::now());
}

void Presence::answer_clients(const std::string& reply) {
  auto list = gateway_->hub().clients();
  for (auto& client : list)
    client["node"] = parts_.node;
  parts_.nats.publish(reply, seal(*parts_.codec(), list.dump()));
}

void Presence::other_clients(gateway::ClusterLink::ClientsDone done) {
  const auto expected = others_alive();
  if (expected == 0) return done(nlohmann::json::array(), {});
  if (!parts_.nats.connected()) {
    parts_.counters.unavailable.fetch_add(1, std::memory_order_relaxed);
    return done(nlohmann::json::array(), "only this gateway's: " + parts_.nats.problem());
  }
  struct Gathered {
    nlohmann::json clients = nlohmann::json::array();
    std::size_t answers = 0;
    gateway::ClusterLink::ClientsDone done;
  };
  auto gathered = std::make_shared<Gathered>();
  gathered->done = std::move(done);
  const auto sequence = parts_.pending.add(
      clients_timeout,
      [this, gathered, expected](const NatsConnection::Incoming& answer) {
        const auto plaintext = unseal(*parts_.codec(), answer.data);
        auto list =
            plaintext ? nlohmann::json::parse(*plaintext, nullptr, false) : nlohmann::json();
        if (list.is_array())
          for (auto& client : list)
            gathered->clients.push_back(std::move(client));
        if (++gathered->answers < expected) return false;
        gathered->done(std::move(gathered->clients), {});
        return true;
      },
      [gathered, expected] {
        gathered->done(std::move(gathered->clients),
                       std::to_string(expected - gathered->answers) + " of " +
                           std::to_string(expected) +
                           " other gateway(s) did not answer in time: their clients are missing");
      });
  if (!parts_.nats.publish(parts_.subjects.clients(), {},
                           parts_.subjects.reply(parts_.node, sequence)))
    parts_.pending.abandon(sequence);
}

}  // namespace gw::cluster
