#include "message_writer.hpp"

#include <rapidjson/writer.h>

#include "message_fields.hpp"
#include "utf8.hpp"

namespace gw::message::detail {
namespace {

// The writer's output, straight into the string that is returned.
struct StringOutput {
  using Ch = char;
  std::string& text;
  void Put(char c) { text.push_back(c); }
  void Flush() {}
};

using Writer = rapidjson::Writer<StringOutput, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                 rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;

// Room for the field names, quotes and escapes of a typical message: one allocation.
constexpr std::size_t framing_estimate = 128;

Error not_utf8(const Field& field, std::string_view value) {
  const auto bad = first_invalid_utf8(value);
  return {ErrorKind::invalid_utf8, "field \"" + std::string(field.name) +
                                       "\" is not valid UTF-8 (byte " +
                                       std::to_string(bad.value_or(0)) + ")"};
}

}  // namespace

Result<std::string> write_message(const Message& message) {
  if (message.data.invalid_utf8()) {
    return Error{ErrorKind::invalid_utf8, "field \"data\" holds text that is not valid UTF-8"};
  }
  std::string text;
  std::size_t estimate = framing_estimate + message.data.text().size();
  for (const Field& field : fields) {
    if (field.member) estimate += (message.*field.member).size();
  }
  text.reserve(estimate);

  StringOutput output{text};
  Writer writer(output);
  const auto key = [&](std::string_view name) {
    writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  };
  writer.StartObject();
  for (std::size_t i = 0; i < std::size(fields) && fields[i].member; ++i) {
    const std::string& value = message.*fields[i].member;
    if (i >= original_fields && value.empty()) continue;
    key(fields[i].name);
    if (!writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()))) {
      return not_utf8(fields[i], value);
    }
  }
  if (message.code) {
    key("code");
    writer.Int64(*message.code);
  }
  if (message.retain) {
    key("retain");
    writer.Bool(true);
  }
  if (message.offset != 0) {
    key("offset");
    writer.Uint64(message.offset);
  }
  if (!message.data.empty()) {
    key("data");
    writer.RawValue(message.data.text().data(), message.data.text().size(), rapidjson::kObjectType);
  }
  writer.EndObject();
  return text;
}

}  // namespace gw::message::detail
