#include "message_writer.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "message_fields.hpp"
#include "utf8.hpp"

namespace gw::message::detail {
namespace {

// Room for the field names, quotes and escapes of a typical message: one allocation.
constexpr std::size_t framing_estimate = 128;

// Needs an escape inside a JSON string: the quote, the backslash and the control characters.
bool needs_escape(unsigned char c) {
  return c == '"' || c == '\\' || c < 0x20;
}

// `value` as a JSON string, escaped as nlohmann's dump escapes it: the short escapes where JSON
// has them, \u00xx for the other control characters, everything else as it is. The text runs
// between escapes are copied whole: most strings have none.
void append_string(std::string& out, std::string_view value) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (!needs_escape(c)) continue;
    out.append(value, run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        const char escape[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
        out.append(escape, sizeof escape);
      }
    }
  }
  out.append(value, run, value.size() - run);
  out += '"';
}

template <class Number>
void append_number(std::string& out, Number number) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, number).ptr);
}

}  // namespace

// Hand-written rather than RapidJSON's Writer: a Message is one flat object, and the Writer
// checks and copies a string a byte at a time (through its validating transcoder), which made
// it a third of the codec's JSON time.
Result<std::string> write_message(const Message& message) {
  if (message.data.invalid_utf8()) {
    return Error{ErrorKind::invalid_utf8, "field \"data\" holds text that is not valid UTF-8"};
  }
  std::size_t estimate = framing_estimate + message.data.text().size();
  for (std::size_t i = 0; i < std::size(fields) && fields[i].member; ++i) {
    const std::string& value = message.*fields[i].member;
    if (const auto bad = first_invalid_utf8(value)) {
      return Error{ErrorKind::invalid_utf8, "field \"" + std::string(fields[i].name) +
                                                "\" is not valid UTF-8 (byte " +
                                                std::to_string(*bad) + ")"};
    }
    estimate += value.size();
  }

  std::string text;
  text.reserve(estimate);
  text += '{';
  const auto key = [&](std::string_view name) {
    if (text.size() > 1) text += ',';
    text += '"';
    text += name;  // the names need no escapes
    text += "\":";
  };
  for (std::size_t i = 0; i < std::size(fields) && fields[i].member; ++i) {
    const std::string& value = message.*fields[i].member;
    if (i >= original_fields && value.empty()) continue;
    key(fields[i].name);
    append_string(text, value);
  }
  if (message.code) {
    key("code");
    append_number(text, *message.code);
  }
  if (message.retain) {
    key("retain");
    text += "true";
  }
  if (message.offset != 0) {
    key("offset");
    append_number(text, message.offset);
  }
  if (!message.data.empty()) {
    key("data");
    text += message.data.text();
  }
  text += '}';
  return text;
}

}  // namespace gw::message::detail
