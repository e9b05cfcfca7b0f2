#include <algorithm>

#include <gw/gateway/services.hpp>

namespace gw::gateway {

namespace {

constexpr std::size_t max_shared_services = Services::max_names;  // from one other gateway

}  // namespace

std::optional<Services::CallPermission> Services::call_permission_of(std::string_view text) {
  if (text == "call") return CallPermission::call;
  if (text == "admin") return CallPermission::admin;
  return std::nullopt;
}

std::string_view to_string(Services::CallPermission permission) noexcept {
  return permission == Services::CallPermission::admin ? "admin" : "call";
}

Services::Provided Services::provide(const std::string& name, const std::string& client_id,
                                     Offer offer) {
  std::lock_guard lock(mutex_);
  const auto found = here_.find(name);
  if (found == here_.end()) {
    if (here_.size() == max_names) return Provided::full;
    here_.emplace(name, Service{std::move(offer), {{client_id, {}}}});
    merge();
    return Provided::added;
  }
  auto& providers = found->second.providers;
  const Provider provider{client_id, {}};
  if (std::find(providers.begin(), providers.end(), provider) != providers.end())
    return Provided::already;
  if (providers.size() == max_providers) return Provided::full;
  providers.push_back(provider);
  merge();
  return Provided::added;
}

bool Services::withdraw(const std::string& name, const std::string& client_id) {
  std::lock_guard lock(mutex_);
  const auto found = here_.find(name);
  if (found == here_.end()) return false;
  auto& providers = found->second.providers;
  const auto provider = std::find(providers.begin(), providers.end(), Provider{client_id, {}});
  if (provider == providers.end()) return false;
  providers.erase(provider);
  if (providers.empty()) here_.erase(found);
  merge();
  return true;
}

std::vector<std::string> Services::withdraw_all(const std::string& client_id) {
  std::vector<std::string> names;
  std::lock_guard lock(mutex_);
  for (auto it = here_.begin(); it != here_.end();) {
    auto& providers = it->second.providers;
    if (std::erase(providers, Provider{client_id, {}}) != 0) names.push_back(it->first);
    it = providers.empty() ? here_.erase(it) : std::next(it);
  }
  if (!names.empty()) merge();
  return names;
}

void Services::set_elsewhere(const std::string& node, const nlohmann::json& shared) {
  ByName services;
  for (const auto& entry : shared.is_array() ? shared : nlohmann::json::array()) {
    if (services.size() == max_shared_services) break;
    if (!entry.is_object()) continue;  // not a gateway's
    const auto name = entry.value("name", std::string());
    const auto providers = entry.value("providers", nlohmann::json());
    const auto permission = call_permission_of(entry.value("permission", std::string()));
    if (name.empty() || !providers.is_array() || !permission) continue;
    Service service{{entry.value("description", std::string()), *permission}, {}};
    for (const auto& id : providers)
      if (id.is_string()) service.providers.push_back({id.get<std::string>(), node});
    if (!service.providers.empty()) services.emplace(name, std::move(service));
  }
  std::lock_guard lock(mutex_);
  const auto known = elsewhere_.find(node);
  if (known == elsewhere_.end() ? services.empty() : known->second == services)
    return;  // as it said before: each heartbeat says it again
  if (services.empty())
    elsewhere_.erase(known);
  else
    elsewhere_[node] = std::move(services);
  merge();
}

std::vector<std::string> Services::nodes_elsewhere() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> nodes;
  for (const auto& [node, services] : elsewhere_)
    nodes.push_back(node);
  return nodes;
}

nlohmann::json Services::shared() const {
  std::lock_guard lock(mutex_);
  return to_json(here_);
}

nlohmann::json Services::to_json(const ByName& services) {
  auto list = nlohmann::json::array();
  for (const auto& [name, service] : services) {
    auto ids = nlohmann::json::array();
    for (const auto& provider : service.providers)
      ids.push_back(provider.id);
    list.push_back({{"name", name},
                    {"description", service.offer.description},
                    {"permission", to_string(service.offer.permission)},
                    {"providers", std::move(ids)}});
  }
  return list;
}

void Services::merge() {
  all_ = here_;
  for (const auto& [node, services] : elsewhere_)
    for (const auto& [name, service] : services) {
      auto [merged, added] = all_.try_emplace(name, service);
      if (added) continue;
      auto& providers = merged->second.providers;
      providers.insert(providers.end(), service.providers.begin(), service.providers.end());
    }
  std::erase_if(next_, [&](const auto& entry) { return !all_.contains(entry.first); });
}

std::vector<Services::Provider> Services::providers_for_call(std::string_view name) {
  std::lock_guard lock(mutex_);
  const auto found = all_.find(name);
  if (found == all_.end()) return {};
  const auto& providers = found->second.providers;
  auto next = next_.find(name);
  if (next == next_.end()) next = next_.emplace(std::string(name), 0).first;
  const auto count = providers.size();
  const auto first = next->second++ % count;
  std::vector<Provider> order;
  order.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    order.push_back(providers[(first + i) % count]);
  return order;
}

bool Services::provided(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return all_.contains(name);
}

std::optional<Command> Services::command(std::string_view name) const {
  std::lock_guard lock(mutex_);
  const auto found = all_.find(name);
  if (found == all_.end() || !call_handler_) return std::nullopt;
  const auto& offer = found->second.offer;
  const bool admins = offer.permission == CallPermission::admin;
  return Command{.name = found->first,
                 .description = offer.description,
                 .permission = admins ? Permission::admin : Permission::everyone,
                 .handler = call_handler_,
                 .needs_session = false,
                 .blocking = false,
                 .accesses = [name = found->first](const message::Message&) {
                   return std::vector<Access>{{Access::Kind::call, name}};
                 }};
}

nlohmann::json Services::list() const {
  std::lock_guard lock(mutex_);
  return to_json(all_);
}

}  // namespace gw::gateway
