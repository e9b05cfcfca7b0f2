#include <algorithm>
#include <charconv>

#include <gw/gateway/client_id.hpp>

namespace gw::gateway {

namespace {

bool lowercase_word(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

std::optional<ClientId> parse_client_id(std::string_view text) {
  ClientId id;
  const auto at = text.find('@');
  if (at != std::string_view::npos) id.node = text.substr(at + 1);
  auto local = text.substr(0, at);
  if (const auto colon = local.find(':'); colon != std::string_view::npos) {
    id.part = local.substr(0, colon);
    if (!lowercase_word(id.part)) return std::nullopt;
    local.remove_prefix(colon + 1);
  } else {
    if (!local.starts_with('c')) return std::nullopt;
    local.remove_prefix(1);
  }
  if (local.empty() ||
      !std::all_of(local.begin(), local.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const auto* end = local.data() + local.size();
  if (std::from_chars(local.data(), end, id.number).ec != std::errc()) return std::nullopt;
  return id;
}

bool is_client_id_of(std::string_view text, std::string_view node) {
  const auto id = parse_client_id(text);
  return id && !node.empty() && id->node == node;
}

}  // namespace gw::gateway
