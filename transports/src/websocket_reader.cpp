#include "websocket_reader.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

// Beast's own check of a text message's UTF-8 (RFC 3629, as RFC 6455 8.1 asks): the one the
// gateway's WebSocket connections always used, kept when the reading moved here.
#include <boost/beast/websocket/detail/utf8_checker.hpp>

namespace gw::transports {
namespace {

constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t not_utf8 = 1007;
constexpr std::uint16_t too_big = 1009;
constexpr std::uint16_t no_code = 1005;

bool is_control(WebSocketOpcode opcode) noexcept {
  return (static_cast<unsigned>(opcode) & 0x8) != 0;
}

bool is_utf8(std::string_view text) noexcept {
  return boost::beast::websocket::detail::check_utf8(text.data(), text.size());
}

// The codes a close frame may carry (RFC 6455, 7.4): those defined for use on the wire, and
// those kept for libraries and applications.
bool is_sendable_close_code(std::uint16_t code) noexcept {
  if (code >= 3000 && code <= 4999) return true;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

std::uint64_t big_endian(const unsigned char* bytes, std::size_t size) noexcept {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i)
    value = (value << 8) | bytes[i];
  return value;
}

}  // namespace

WebSocketReader::Event WebSocketReader::read(std::span<char>& input) {
  if (!failure_.empty()) return {Event::Kind::failed, failure_, failure_code_};
  // What a handed-out payload took is given back: most connections wait long for the next.
  if (std::exchange(message_handed_out_, false)) std::string().swap(message_);
  if (std::exchange(control_handed_out_, false)) std::string().swap(control_);
  for (;;) {
    if (!in_frame_) {
      if (!read_head(input)) return {};
      if (auto refused = start_frame(); refused.kind == Event::Kind::failed) return refused;
    }
    auto event = is_control(frame_opcode_) ? read_control(input) : read_data(input);
    // Reads on only past a data frame that is not its message's last.
    if (event.kind != Event::Kind::need_more || in_frame_) return event;
  }
}

bool WebSocketReader::read_head(std::span<char>& input) {
  auto take = [&](std::size_t size) {
    const auto count = std::min(size - std::min(size, head_size_), input.size());
    std::memcpy(head_.data() + head_size_, input.data(), count);
    head_size_ += count;
    input = input.subspan(count);
    return head_size_ >= size;
  };
  if (!take(2)) return false;
  const auto length7 = head_[1] & 0x7f;
  const std::size_t length_bytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
  const std::size_t mask_bytes = (head_[1] & 0x80) != 0 ? 4 : 0;
  return take(2 + length_bytes + mask_bytes);
}

WebSocketReader::Event WebSocketReader::start_frame() {
  const std::size_t size = std::exchange(head_size_, 0);
  frame_fin_ = (head_[0] & 0x80) != 0;
  frame_opcode_ = static_cast<WebSocketOpcode>(head_[0] & 0x0f);
  const auto length7 = head_[1] & 0x7f;
  if ((head_[0] & 0x70) != 0)
    return fail(protocol_error, "reserved bits set: no extension was agreed");
  switch (frame_opcode_) {
    case WebSocketOpcode::continuation:
      if (message_opcode_ == WebSocketOpcode::continuation)
        return fail(protocol_error, "a continuation frame with no message to continue");
      break;
    case WebSocketOpcode::text:
    case WebSocketOpcode::binary:
      if (message_opcode_ != WebSocketOpcode::continuation)
        return fail(protocol_error, "a new message before the last one's final frame");
      break;
    case WebSocketOpcode::close:
    case WebSocketOpcode::ping:
    case WebSocketOpcode::pong:
      if (!frame_fin_) return fail(protocol_error, "a fragmented control frame");
      if (length7 > 125) return fail(protocol_error, "a control frame over 125 bytes");
      break;
    default:
      return fail(protocol_error, "an unknown opcode");
  }
  if ((head_[1] & 0x80) == 0) return fail(protocol_error, "an unmasked frame: clients mask theirs");
  if (length7 == 126) {
    frame_left_ = big_endian(&head_[2], 2);
    if (frame_left_ < 126) return fail(protocol_error, "a length not in its shortest form");
  } else if (length7 == 127) {
    frame_left_ = big_endian(&head_[2], 8);
    if (frame_left_ <= 0xffff || (frame_left_ >> 63) != 0)
      return fail(protocol_error, "a length not in its shortest form");
  } else {
    frame_left_ = length7;
  }
  std::memcpy(mask_.data(), &head_[size - 4], 4);
  mask_offset_ = 0;
  if (!is_control(frame_opcode_)) {
    if (frame_left_ > message_limit_ - message_size_)
      return fail(too_big,
                  "a message over the limit of " + std::to_string(message_limit_) + " bytes");
    message_size_ += static_cast<std::size_t>(frame_left_);
    if (frame_opcode_ != WebSocketOpcode::continuation) message_opcode_ = frame_opcode_;
  }
  in_frame_ = true;
  return {};
}

std::span<char> WebSocketReader::take_payload(std::span<char>& input) noexcept {
  const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(frame_left_, input.size()));
  const auto piece = input.first(take);
  input = input.subspan(take);
  unmask(piece);
  frame_left_ -= take;
  return piece;
}

WebSocketReader::Event WebSocketReader::read_control(std::span<char>& input) {
  const auto piece = take_payload(input);
  const bool whole = control_.empty() && frame_left_ == 0;
  if (!whole) control_.append(piece.data(), piece.size());
  if (frame_left_ > 0) return {};
  in_frame_ = false;
  control_handed_out_ = !whole;
  return end_control(whole ? std::string_view(piece.data(), piece.size()) : control_);
}

WebSocketReader::Event WebSocketReader::read_data(std::span<char>& input) {
  const auto piece = take_payload(input);
  // The common case, a message in one frame that came in one read, is handed out where it lies.
  const bool whole =
      message_.empty() && frame_left_ == 0 && frame_fin_ && message_size_ == piece.size();
  if (!whole) message_.append(piece.data(), piece.size());
  if (frame_left_ > 0) return {};
  in_frame_ = false;
  if (!frame_fin_) return {};
  message_handed_out_ = !whole;
  return end_message(whole ? std::string_view(piece.data(), piece.size()) : message_);
}

WebSocketReader::Event WebSocketReader::end_message(std::string_view message) {
  const bool text = message_opcode_ == WebSocketOpcode::text;
  message_opcode_ = WebSocketOpcode::continuation;
  message_size_ = 0;
  if (text && !is_utf8(message)) return fail(not_utf8, "a text message that is not UTF-8");
  return {Event::Kind::message, message, 0, text};
}

WebSocketReader::Event WebSocketReader::end_control(std::string_view payload) {
  switch (frame_opcode_) {
    case WebSocketOpcode::ping:
      return {Event::Kind::ping, payload};
    case WebSocketOpcode::pong:
      return {Event::Kind::pong, payload};
    default:
      break;
  }
  if (payload.empty()) return {Event::Kind::close, {}, no_code};
  if (payload.size() == 1) return fail(protocol_error, "a close frame with half a code");
  const auto code = static_cast<std::uint16_t>(
      big_endian(reinterpret_cast<const unsigned char*>(payload.data()), 2));
  if (!is_sendable_close_code(code))
    return fail(protocol_error, "a close code no endpoint may send");
  const auto reason = payload.substr(2);
  if (!is_utf8(reason)) return fail(not_utf8, "a close reason that is not UTF-8");
  return {Event::Kind::close, reason, code};
}

WebSocketReader::Event WebSocketReader::fail(std::uint16_t code, std::string_view why) {
  failure_ = why;
  failure_code_ = code;
  std::string().swap(message_);
  std::string().swap(control_);
  return {Event::Kind::failed, failure_, failure_code_};
}

void WebSocketReader::unmask(std::span<char> payload) noexcept {
  // A word at a time: the mask turned to start at this piece's place in the frame.
  std::array<unsigned char, 8> key{};
  for (std::size_t i = 0; i < key.size(); ++i)
    key[i] = mask_[(mask_offset_ + i) % 4];
  std::uint64_t word_key = 0;
  std::memcpy(&word_key, key.data(), sizeof word_key);
  std::size_t i = 0;
  for (; i + 8 <= payload.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, payload.data() + i, 8);
    word ^= word_key;
    std::memcpy(payload.data() + i, &word, 8);
  }
  for (; i < payload.size(); ++i)
    payload[i] = static_cast<char>(payload[i] ^ key[i % 8]);
  mask_offset_ = (mask_offset_ + payload.size()) % 4;
}

}  // namespace gw::transports
