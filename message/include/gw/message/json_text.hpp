#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gw::message {

// A JSON value kept as its text. A message's `data` crosses the gateway as the bytes its sender
// wrote: routing it never needs a parsed tree, so only a command that looks inside parses it.
class JsonText {
 public:
  // Absent: what a message without `data`, or with `"data": null`, holds.
  JsonText() = default;
  // The value written compactly. A string in it that is not UTF-8 is remembered, and writing
  // the message holding it fails with invalid_utf8.
  explicit JsonText(const nlohmann::json& value);
  JsonText& operator=(const nlohmann::json& value) { return *this = JsonText(value); }

  // Text already known to be exactly one JSON value with valid UTF-8 and nothing around it
  // (the message reader checked it); "null" counts as absent.
  static JsonText from_checked(std::string_view text);

  // Absent, or JSON null.
  bool empty() const noexcept { return text_.empty(); }
  // The value's text; empty when absent.
  const std::string& text() const noexcept { return text_; }
  // The value as a tree, for a command that looks inside; null when absent.
  nlohmann::json parse() const;
  // The value could not be written (a string in it is not UTF-8).
  bool invalid_utf8() const noexcept { return invalid_utf8_; }

  // Equal texts: the same value written the same way.
  bool operator==(const JsonText&) const = default;

 private:
  std::string text_;
  bool invalid_utf8_ = false;
};

}  // namespace gw::message
