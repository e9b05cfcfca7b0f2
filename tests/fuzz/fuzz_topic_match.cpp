// Topic filter matching against a plain reference matcher written from MQTT's rules: the input
// is a filter, a NUL, and a topic name; wherever both are valid, both matchers must agree.
#include <cstdint>
#include <string_view>
#include <vector>

#include <gw/message/topic.hpp>

namespace {
std::vector<std::string_view> levels(std::string_view text) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto slash = text.find('/');
    out.push_back(text.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    text.remove_prefix(slash + 1);
  }
}

// '+' is exactly one level, '#' (last) the rest including none; '$' names are not matched by
// a filter that starts with a wildcard.
bool reference_matches(std::string_view filter, std::string_view name) {
  if (!name.empty() && name.front() == '$' && !filter.empty() &&
      (filter.front() == '+' || filter.front() == '#'))
    return false;
  const auto f = levels(filter);
  const auto n = levels(name);
  std::size_t i = 0;
  for (; i < f.size(); ++i) {
    if (f[i] == "#") return true;
    if (i >= n.size()) return false;
    if (f[i] != "+" && f[i] != n[i]) return false;
  }
  return i == n.size();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nul = input.find('\0');
  if (nul == std::string_view::npos) return 0;
  const auto filter = input.substr(0, nul);
  const auto name = input.substr(nul + 1);
  const bool filter_ok = !gw::message::topic::check_filter(filter);
  const bool name_ok = !gw::message::topic::check_name(name);
  const bool matched = gw::message::topic::matches(filter, name);  // must not crash on any input
  if (filter_ok && name_ok && matched != reference_matches(filter, name)) __builtin_trap();
  return 0;
}
