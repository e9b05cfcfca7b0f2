#include "typed_command.hpp"

#include <algorithm>
#include <cctype>

namespace gw::gateway {

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view space = " \t\r\n";
  const auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

std::optional<TypedCommand> slash_form(std::string_view text) {
  text.remove_prefix(1);
  const auto end = std::find_if_not(text.begin(), text.end(), is_name_char);
  const auto name_length = static_cast<std::size_t>(end - text.begin());
  if (name_length == 0) return std::nullopt;
  if (name_length < text.size() && text[name_length] != ' ' && text[name_length] != '\t')
    return std::nullopt;
  return TypedCommand{std::string(text.substr(0, name_length)),
                      std::string(trimmed(text.substr(name_length)))};
}

std::optional<TypedCommand> call_form(std::string_view text) {
  text.remove_prefix(2);  // "s."
  const auto open = text.find('(');
  if (open == 0 || open == std::string_view::npos || text.back() != ')') return std::nullopt;
  const auto name = text.substr(0, open);
  if (!std::all_of(name.begin(), name.end(), is_name_char)) return std::nullopt;
  auto inside = text.substr(open + 1, text.size() - open - 2);
  std::string args;
  while (!inside.empty()) {
    const auto comma = inside.find(',');
    const auto argument = trimmed(inside.substr(0, comma));
    if (!argument.empty()) args += (args.empty() ? "" : " ") + std::string(argument);
    if (comma == std::string_view::npos) break;
    inside.remove_prefix(comma + 1);
  }
  return TypedCommand{std::string(name), std::move(args)};
}

}  // namespace

std::optional<TypedCommand> parse_typed_command(std::string_view text) {
  text = trimmed(text);
  if (text.starts_with('/')) return slash_form(text);
  if (text.starts_with("s.")) return call_form(text);
  return std::nullopt;
}

}  // namespace gw::gateway
