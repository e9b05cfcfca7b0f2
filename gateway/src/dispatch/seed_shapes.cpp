#include "seed_shapes.hpp"

namespace gw::gateway {

std::optional<std::string> seed_shape_command(const message::Message& message) {
  if (!message.cmd.empty()) return std::nullopt;
  if (!message.call_func.empty()) return message.call_func;
  if (!message.url.starts_with('/')) return std::nullopt;
  const auto path = std::string_view(message.url).substr(1);
  const auto name = path.substr(0, path.find_first_of("/?#"));
  if (name.empty()) return std::nullopt;
  return std::string(name);
}

}  // namespace gw::gateway
