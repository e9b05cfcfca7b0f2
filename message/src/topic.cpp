#include <algorithm>

#include <gw/message/topic.hpp>

namespace gw::message::topic {

namespace {

std::optional<std::string> check_text(std::string_view text, std::string_view what) {
  if (text.empty()) return std::string(what) + " is empty";
  if (text.size() > max_length)
    return std::string(what) + " is longer than " + std::to_string(max_length) + " bytes";
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
    return std::string(what) + " contains a control character";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_name(std::string_view name) {
  if (auto error = check_text(name, "topic")) return error;
  if (name.find_first_of("+#") != std::string_view::npos)
    return "topic '" + std::string(name) +
           "' contains a wildcard (+ or #); wildcards are for subscribe, not publish";
  return std::nullopt;
}

std::optional<std::string> check_filter(std::string_view filter) {
  if (auto error = check_text(filter, "topic filter")) return error;
  std::size_t start = 0;
  for (;;) {
    const auto cut = filter.find('/', start);
    const auto level = filter.substr(start, cut == std::string_view::npos ? cut : cut - start);
    const bool last = cut == std::string_view::npos;
    if (level.find('#') != std::string_view::npos && (level != "#" || !last))
      return "topic filter '" + std::string(filter) + "': # must be the whole last level";
    if (level.find('+') != std::string_view::npos && level != "+")
      return "topic filter '" + std::string(filter) + "': + must be a whole level";
    if (last) return std::nullopt;
    start = cut + 1;
  }
}

bool matches(std::string_view filter, std::string_view name) {
  if (name.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#'))) return false;
  constexpr auto npos = std::string_view::npos;
  for (;;) {
    const auto filter_cut = filter.find('/');
    const auto filter_level = filter.substr(0, filter_cut);
    if (filter_level == "#") return true;
    const auto name_cut = name.find('/');
    if (filter_level != "+" && filter_level != name.substr(0, name_cut)) return false;
    if (filter_cut == npos) return name_cut == npos;
    if (name_cut == npos) return filter.substr(filter_cut + 1) == "#";  // "a/#" matches "a"
    filter.remove_prefix(filter_cut + 1);
    name.remove_prefix(name_cut + 1);
  }
}

bool covers(std::string_view wider, std::string_view filter) {
  // Every topic the filter matches is one `wider` matches: level by level, a literal by itself
  // or '+', a '+' only by '+', and anything by a '#'.
  if (filter.starts_with('$') && (wider.starts_with('+') || wider.starts_with('#'))) return false;
  constexpr auto npos = std::string_view::npos;
  for (;;) {
    const auto wider_cut = wider.find('/');
    const auto wider_level = wider.substr(0, wider_cut);
    if (wider_level == "#") return true;
    const auto filter_cut = filter.find('/');
    const auto filter_level = filter.substr(0, filter_cut);
    if (filter_level == "#") return false;
    if (wider_level != "+" && wider_level != filter_level) return false;
    if (filter_cut == npos) return wider_cut == npos || wider.substr(wider_cut + 1) == "#";
    if (wider_cut == npos) return false;
    wider.remove_prefix(wider_cut + 1);
    filter.remove_prefix(filter_cut + 1);
  }
}

}  // namespace gw::message::topic
