#include <utility>

#include <gw/message/message.hpp>

#include "message_fields.hpp"
#include "message_reader.hpp"
#include "message_refusal.hpp"
#include "message_writer.hpp"

namespace gw::message {

using Json = nlohmann::json;

Result<Message> Message::from_json(std::string_view text, std::size_t max_depth) {
  Message message;
  if (detail::read_message(text, max_depth, message)) return message;
  return detail::refusal_of(text, max_depth);
}

Result<std::string> Message::to_json() const {
  return detail::write_message(*this);
}

nlohmann::json Message::to_object() const {
  Json json = Json::object();
  for (std::size_t i = 0; i < std::size(detail::fields) && detail::fields[i].member; ++i) {
    const auto& value = this->*detail::fields[i].member;
    if (i < detail::original_fields || !value.empty()) json[detail::fields[i].name] = value;
  }
  if (code) json["code"] = *code;
  if (retain) json["retain"] = true;
  if (offset != 0) json["offset"] = offset;
  if (!data.empty()) json["data"] = data.parse();
  return json;
}

}  // namespace gw::message
