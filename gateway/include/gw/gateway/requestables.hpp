#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gw::gateway {

// Named values clients read with `get NAME`: a fixed value, or a function asked each time
// (called on a network thread: it must not block). Thread-safe.
class Requestables {
 public:
  using Source = std::function<nlohmann::json()>;

  // Adds or replaces one.
  void add(std::string name, std::string description, Source source);
  void add_value(std::string name, std::string description, nlohmann::json value);

  // The current value, or nothing for an unknown name.
  std::optional<nlohmann::json> get(std::string_view name) const;
  // [{name, description}] by name.
  nlohmann::json list() const;
  bool contains(std::string_view name) const;

 private:
  struct Entry {
    std::string description;
    Source source;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace gw::gateway
