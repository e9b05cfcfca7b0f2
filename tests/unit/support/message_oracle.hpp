#pragma once

// What Message::from_json must accept and read, worked out the slow, obvious way: the text
// parsed into nlohmann's tree, then each field checked. The reader must agree with it on every
// input (the differential test and the fuzz target check that).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gw/message/message.hpp>

namespace gw::test {

// Deeper than max_depth, counting brackets outside strings.
inline bool nests_deeper_than(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (in_string) {
      if (text[i] == '\\')
        ++i;
      else if (text[i] == '"')
        in_string = false;
    } else if (text[i] == '"') {
      in_string = true;
    } else if (text[i] == '{' || text[i] == '[') {
      if (++depth > max_depth) return true;
    } else if ((text[i] == '}' || text[i] == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// Numbers at the edge of a double's range: an exponent of 300 or more either way, or 300
// digits. There the reader (RapidJSON) and nlohmann (strtod) may disagree: RapidJSON refuses
// "0e309" and reads "1.7976931348623157e308" as too large, which strtod reads as 0 and DBL_MAX.
// Both refuse what really overflows (1e309); the agreement is checked on every other text.
inline bool has_edge_numbers(std::string_view text) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if ((c >= '0' && c <= '9') || c == '-') {
      std::size_t digits = 0, exponent = 0;
      bool in_exponent = false;
      for (; i < text.size() &&
             std::string_view("0123456789+-.eE").find(text[i]) != std::string_view::npos;
           ++i) {
        if (text[i] == 'e' || text[i] == 'E') in_exponent = true;
        if (text[i] < '0' || text[i] > '9') continue;
        if (in_exponent)
          exponent = std::min<std::size_t>(exponent * 10 + std::size_t(text[i] - '0'), 100000);
        else
          ++digits;
      }
      if (digits >= 300 || exponent >= 300) return true;
      --i;
    }
  }
  return false;
}

// The message's fields as a JSON object (data as a tree), or nullopt when it is refused.
inline std::optional<nlohmann::json> oracle_reading(
    std::string_view text, std::size_t max_depth = message::Message::default_max_depth) {
  using Json = nlohmann::json;
  if (text.empty() || nests_deeper_than(text, max_depth)) return std::nullopt;
  // nlohmann takes a NUL byte for the end of the text and ignores what follows; JSON has no
  // place for one outside a string, nor raw inside, so the reader refuses it.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  Json json = Json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  Json fields = Json::object();
  for (const char* name : {"userID", "timestamp", "text", "cmd", "args", "id", "token", "to",
                           "topic", "from", "call_func", "url"}) {
    const auto it = json.find(name);
    if (it == json.end() || it->is_null()) continue;
    if (!it->is_string()) return std::nullopt;
    fields[name] = *it;
  }
  if (const auto it = json.find("code"); it != json.end() && !it->is_null()) {
    if (!it->is_number_integer()) return std::nullopt;
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > std::uint64_t(INT64_MAX))
      return std::nullopt;
    fields["code"] = it->get<std::int64_t>();
  }
  if (const auto it = json.find("retain"); it != json.end() && !it->is_null()) {
    if (!it->is_boolean()) return std::nullopt;
    fields["retain"] = *it;
  }
  if (const auto it = json.find("offset"); it != json.end() && !it->is_null()) {
    if (!it->is_number_unsigned()) return std::nullopt;
    fields["offset"] = *it;
  }
  if (const auto it = json.find("data"); it != json.end() && !it->is_null()) fields["data"] = *it;
  return fields;
}

// Where a message read by from_json differs from the oracle's reading; empty when it does not.
inline std::string difference(const message::Message& message, const nlohmann::json& expected) {
  using Json = nlohmann::json;
  const auto string_of = [&](const char* name) {
    return expected.contains(name) ? expected[name].get<std::string>() : std::string();
  };
  const std::pair<const char*, const std::string*> strings[] = {
      {"userID", &message.user_id},      {"timestamp", &message.timestamp},
      {"text", &message.text},           {"cmd", &message.cmd},
      {"args", &message.args},           {"id", &message.id},
      {"token", &message.token},         {"to", &message.to},
      {"topic", &message.topic},         {"from", &message.from},
      {"call_func", &message.call_func}, {"url", &message.url}};
  for (const auto& [name, value] : strings) {
    if (*value != string_of(name)) return std::string("field ") + name;
  }
  const auto code = expected.contains("code") ? std::optional(expected["code"].get<std::int64_t>())
                                              : std::nullopt;
  if (message.code != code) return "field code";
  if (message.retain != expected.value("retain", false)) return "field retain";
  if (message.offset != expected.value("offset", std::uint64_t{0})) return "field offset";
  const Json data = expected.value("data", Json());
  if (message.data.empty() != data.is_null()) return "field data (absent or not)";
  if (!data.is_null() && Json::parse(message.data.text()) != data) return "field data";
  return {};
}

}  // namespace gw::test
