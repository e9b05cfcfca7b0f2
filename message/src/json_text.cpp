#include <gw/message/json_text.hpp>

namespace gw::message {

JsonText::JsonText(const nlohmann::json& value) {
  if (value.is_null()) return;
  try {
    text_ = value.dump();
  } catch (const nlohmann::json::type_error&) {
    // dump() refuses only strings that are not UTF-8; the message's writer names the field.
    invalid_utf8_ = true;
  }
}

JsonText JsonText::from_checked(std::string_view text) {
  JsonText checked;
  if (text != "null") checked.text_ = text;
  return checked;
}

nlohmann::json JsonText::parse() const {
  if (text_.empty()) return nullptr;
  return nlohmann::json::parse(text_);
}

}  // namespace gw::message
