#include "node_roster.hpp"

namespace gw::cluster {

void NodeRoster::heard(const std::string& node, nlohmann::json info, Clock::time_point now) {
  if (node == self_) return;
  std::lock_guard lock(mutex_);
  nodes_[node] = Heard{std::move(info), now};
}

bool NodeRoster::alive(const std::string& node, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  const auto found = nodes_.find(node);
  return found != nodes_.end() && now - found->second.last <= lifetime_;
}

std::vector<std::string> NodeRoster::others(Clock::time_point now) const {
  std::vector<std::string> alive_now;
  std::lock_guard lock(mutex_);
  for (const auto& [node, heard] : nodes_)
    if (now - heard.last <= lifetime_) alive_now.push_back(node);
  return alive_now;
}

nlohmann::json NodeRoster::nodes(const nlohmann::json& own, Clock::time_point now) const {
  auto list = nlohmann::json::array({own});
  std::lock_guard lock(mutex_);
  for (const auto& [node, heard] : nodes_)
    if (now - heard.last <= lifetime_) list.push_back(heard.info);
  return list;
}

}  // namespace gw::cluster
