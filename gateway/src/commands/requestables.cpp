#include <gw/gateway/requestables.hpp>

namespace gw::gateway {

void Requestables::add(std::string name, std::string description, Source source) {
  std::lock_guard lock(mutex_);
  entries_.insert_or_assign(std::move(name), Entry{std::move(description), std::move(source)});
}

void Requestables::add_value(std::string name, std::string description, nlohmann::json value) {
  add(std::move(name), std::move(description), [value = std::move(value)] { return value; });
}

std::optional<nlohmann::json> Requestables::get(std::string_view name) const {
  Source source;
  {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(name);
    if (found == entries_.end()) return std::nullopt;
    source = found->second.source;
  }
  return source();  // outside the lock: a source may read other requestables
}

nlohmann::json Requestables::list() const {
  std::lock_guard lock(mutex_);
  auto list = nlohmann::json::array();
  for (const auto& [name, entry] : entries_)
    list.push_back({{"name", name}, {"description", entry.description}});
  return list;
}

bool Requestables::contains(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return entries_.find(name) != entries_.end();
}

}  // namespace gw::gateway
