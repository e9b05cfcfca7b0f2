#include <algorithm>

#include <gw/gateway/services.hpp>

namespace gw::gateway {

bool Services::provide(const std::string& name, const std::string& client_id,
                       std::string description) {
  std::lock_guard lock(mutex_);
  auto& service = services_[name];
  if (service.providers.empty()) service.description = std::move(description);
  if (std::find(service.providers.begin(), service.providers.end(), client_id) !=
      service.providers.end())
    return false;
  service.providers.push_back(client_id);
  return true;
}

bool Services::withdraw(const std::string& name, const std::string& client_id) {
  std::lock_guard lock(mutex_);
  const auto found = services_.find(name);
  if (found == services_.end()) return false;
  auto& providers = found->second.providers;
  const auto provider = std::find(providers.begin(), providers.end(), client_id);
  if (provider == providers.end()) return false;
  providers.erase(provider);
  if (providers.empty()) services_.erase(found);
  return true;
}

std::vector<std::string> Services::withdraw_all(const std::string& client_id) {
  std::vector<std::string> names;
  std::lock_guard lock(mutex_);
  for (auto it = services_.begin(); it != services_.end();) {
    auto& providers = it->second.providers;
    const auto size = providers.size();
    std::erase(providers, client_id);
    if (providers.size() != size) names.push_back(it->first);
    it = providers.empty() ? services_.erase(it) : std::next(it);
  }
  return names;
}

std::vector<std::string> Services::providers_for_call(std::string_view name) {
  std::lock_guard lock(mutex_);
  const auto found = services_.find(name);
  if (found == services_.end()) return {};
  auto& service = found->second;
  const auto count = service.providers.size();
  const auto first = service.next++ % count;
  std::vector<std::string> order;
  order.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    order.push_back(service.providers[(first + i) % count]);
  return order;
}

bool Services::provided(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return services_.find(name) != services_.end();
}

std::optional<Command> Services::command(std::string_view name) const {
  std::lock_guard lock(mutex_);
  const auto found = services_.find(name);
  if (found == services_.end() || !call_handler_) return std::nullopt;
  return Command{.name = found->first,
                 .description = found->second.description,
                 .permission = Permission::user,
                 .handler = call_handler_,
                 .needs_session = false,
                 .blocking = false,
                 .accesses = {}};
}

nlohmann::json Services::list() const {
  std::lock_guard lock(mutex_);
  auto list = nlohmann::json::array();
  for (const auto& [name, service] : services_)
    list.push_back(
        {{"name", name}, {"description", service.description}, {"providers", service.providers}});
  return list;
}

}  // namespace gw::gateway
