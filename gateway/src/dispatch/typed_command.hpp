#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gw::gateway {

struct TypedCommand {
  std::string name;
  std::string args;
};

// A command typed as chat text by a person: `/NAME a b` or `s.NAME(a, b)`. The arguments
// become the command's args, separated by single spaces. Anything else is not a command.
std::optional<TypedCommand> parse_typed_command(std::string_view text);

}  // namespace gw::gateway
