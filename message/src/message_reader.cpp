#include "message_reader.hpp"

#include <cmath>
#include <cstdint>
#include <iterator>
#include <string>

// RAPIDJSON_SSE2 is left undefined: 1.1.0's SSE2 string scan lets the control characters
// 0x1A-0x1F through unescaped (it compares with 0x19), which JSON forbids; it would save 12%.
#include <rapidjson/reader.h>

#include "message_fields.hpp"
#include "utf8.hpp"

namespace gw::message::detail {
namespace {

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

// The parser's events for one message. Each field's last value wins, as in a JSON object read
// into a map; a field whose last value has the wrong type fails the read.
class MessageHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, MessageHandler> {
 public:
  MessageHandler(std::string_view text, const rapidjson::StringStream& stream,
                 std::size_t max_depth, Message& message)
      : text_(text),
        stream_(stream),
        max_depth_(max_depth),
        // Only an escape can decode to bytes that are not UTF-8.
        has_escapes_(text.find("\\u") != std::string_view::npos),
        message_(message) {}

  // The text was an object whose fields all had the right types in the end.
  bool read_a_message() const noexcept { return saw_object_ && bad_fields_ == 0; }

  bool StartObject() { return open(true); }
  bool StartArray() { return open(false); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  bool Key(const char* name, rapidjson::SizeType length, bool) {
    if (!decoded_is_utf8(name, length)) return false;
    if (depth_ != 1) return true;
    field_ = find_field({name, length});
    if (field_ && field_->kind == FieldKind::data) {
      // The parser reads a string through a copy of the stream and moves the stream past it
      // only after this call: the stream is still at the key's opening quote.
      const std::size_t key = stream_.Tell();
      if (key >= text_.size() || text_[key] != '"') return false;
      data_start_ = value_start(after_string(key));
    }
    return true;
  }

  bool String(const char* value, rapidjson::SizeType length, bool) {
    if (!decoded_is_utf8(value, length)) return false;
    if (depth_ != 1) return true;
    if (field_ && field_->kind == FieldKind::string) {
      message_.*(field_->member) = std::string_view(value, length);
      return accept();
    }
    return scalar(FieldKind::string);
  }
  bool Null() {
    if (depth_ != 1 || !field_) return true;
    switch (field_->kind) {
      case FieldKind::string:
        (message_.*(field_->member)).clear();
        break;
      case FieldKind::code:
        message_.code.reset();
        break;
      case FieldKind::retain:
        message_.retain = false;
        break;
      case FieldKind::offset:
        message_.offset = 0;
        break;
      case FieldKind::data:
        message_.data = JsonText();
        break;
    }
    return accept();
  }
  bool Bool(bool value) {
    if (depth_ != 1) return true;
    if (field_ && field_->kind == FieldKind::retain) {
      message_.retain = value;
      return accept();
    }
    return scalar(FieldKind::retain);
  }
  bool Int(int value) { return signed_number(value); }
  bool Int64(std::int64_t value) { return signed_number(value); }
  bool Uint(unsigned value) { return unsigned_number(value); }
  bool Uint64(std::uint64_t value) { return unsigned_number(value); }
  bool Double(double value) {
    // Beyond a double's range is refused, as when the number is read into one.
    if (!std::isfinite(value)) return false;
    if (depth_ != 1) return true;
    return scalar(FieldKind::data);
  }

 private:
  // A decoded string holds bytes that are not UTF-8 only when an escape made them: a lone
  // surrogate such as "\udc00" (the text itself was checked before parsing).
  bool decoded_is_utf8(const char* text, std::size_t length) const {
    return !has_escapes_ || !first_invalid_utf8({text, length}).has_value();
  }

  bool open(bool object) {
    if (++depth_ > max_depth_) return false;
    if (depth_ == 1) return saw_object_ = object;  // the message itself, or not a message
    if (depth_ == 2) return field_ && field_->kind != FieldKind::data ? wrong_type() : true;
    return true;
  }
  bool close() {
    if (--depth_ == 1 && field_ && field_->kind == FieldKind::data) keep_data(true);
    return true;
  }

  // A value at the message's top level: the field it belongs to, if any, takes it.
  bool scalar(FieldKind kind) {
    if (!field_) return true;
    if (field_->kind == FieldKind::data) {
      keep_data(false);
      return true;
    }
    return field_->kind == kind ? accept() : wrong_type();
  }
  bool signed_number(std::int64_t value) {
    if (depth_ != 1) return true;
    // The parser reports a number without a sign as unsigned: this one is negative (or -0).
    if (field_ && field_->kind == FieldKind::code) {
      message_.code = value;
      return accept();
    }
    return scalar(FieldKind::data);
  }
  bool unsigned_number(std::uint64_t value) {
    if (depth_ != 1 || !field_) return true;
    if (field_->kind == FieldKind::code && value <= std::uint64_t(INT64_MAX)) {
      message_.code = static_cast<std::int64_t>(value);
      return accept();
    }
    if (field_->kind == FieldKind::offset) {
      message_.offset = value;
      return accept();
    }
    return scalar(FieldKind::data);
  }

  bool accept() {
    bad_fields_ &= ~bit_of(*field_);
    field_ = nullptr;
    return true;
  }
  bool wrong_type() {
    bad_fields_ |= bit_of(*field_);
    field_ = nullptr;
    return true;
  }

  // Just past the string that opens at `at`. The parser checks the syntax; this only finds
  // the end.
  std::size_t after_string(std::size_t at) const {
    for (++at; at < text_.size() && text_[at] != '"'; ++at) {
      if (text_[at] == '\\') ++at;
    }
    return at + 1;
  }
  // Just past the scalar value that begins at `at`: a string, a number, true or false.
  std::size_t after_scalar(std::size_t at) const {
    if (at < text_.size() && text_[at] == '"') return after_string(at);
    while (at < text_.size() && text_[at] != ',' && text_[at] != '}' && text_[at] != ' ' &&
           text_[at] != '\t' && text_[at] != '\n' && text_[at] != '\r') {
      ++at;
    }
    return at;
  }

  // Where the value after a key begins: past the blanks and the colon.
  std::size_t value_start(std::size_t at) const {
    while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t' || text_[at] == '\n' ||
                                 text_[at] == '\r' || text_[at] == ':')) {
      ++at;
    }
    return at;
  }
  // The data value just read: a container ends where the stream is, having just taken its
  // closing bracket; a scalar is read through a copy of the stream, so its end is found here.
  void keep_data(bool container) {
    const std::size_t end = container ? stream_.Tell() : after_scalar(data_start_);
    message_.data = JsonText::from_checked(text_.substr(data_start_, end - data_start_));
    accept();
  }

  std::string_view text_;
  const rapidjson::StringStream& stream_;
  std::size_t max_depth_;
  bool has_escapes_;
  Message& message_;
  std::size_t depth_ = 0;
  const Field* field_ = nullptr;  // the top-level field whose value comes next
  std::size_t data_start_ = 0;
  std::uint32_t bad_fields_ = 0;
  bool saw_object_ = false;
};

}  // namespace

bool read_message(const std::string& text, std::size_t max_depth, Message& message) {
  std::string_view view = text;
  // Bytes that are not UTF-8 anywhere refuse the message, as a parser that decodes them does.
  if (first_invalid_utf8(view)) return false;
  std::size_t begin = 0;
  if (view.starts_with(byte_order_mark)) begin = byte_order_mark.size();
  view.remove_prefix(begin);
  // Reused, the parser's own stack grows once per thread.
  thread_local rapidjson::Reader reader;
  // The fast stream reads up to the string's terminating NUL.
  rapidjson::StringStream stream(text.c_str() + begin);
  MessageHandler handler(view, stream, max_depth, message);
  constexpr unsigned flags = rapidjson::kParseStopWhenDoneFlag;
  if (reader.Parse<flags>(stream, handler).IsError() || !handler.read_a_message()) return false;
  // A NUL byte inside ends the stream early: only blanks may follow the message, to the end.
  for (std::size_t at = stream.Tell(); at < view.size(); ++at) {
    const char c = view[at];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

bool read_message(std::string_view text, std::size_t max_depth, Message& message) {
  // A view need not end with a NUL: a copy made once per thread does.
  thread_local std::string terminated;
  terminated.assign(text);
  return read_message(terminated, max_depth, message);
}

}  // namespace gw::message::detail
