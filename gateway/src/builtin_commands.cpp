#include <gw/gateway/builtin_commands.hpp>

#include "command_sets.hpp"

namespace gw::gateway {

void add_builtin_commands(CommandRegistry& registry) {
  add_basic_commands(registry);
  add_session_commands(registry);
  add_messaging_commands(registry);
  add_admin_commands(registry);
  add_request_commands(registry);
}

}  // namespace gw::gateway
