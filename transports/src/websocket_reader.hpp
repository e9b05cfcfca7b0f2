#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "websocket_frame.hpp"

namespace gw::transports {

// Reads a client's WebSocket frames (RFC 6455, 5) from the bytes of a connection as they come,
// in pieces of any size: checks each frame's head (masked, no reserved bits, known opcodes,
// control frames whole and short, lengths in their shortest form), joins fragments, bounds a
// message's size, and checks that text is UTF-8. A frame that arrives whole in one read is
// unmasked where it lies and handed out without a copy; only a message split across reads or
// frames is gathered here, and the room it took is given back once it is handed out, so a
// connection waiting between messages holds nothing. No extension is agreed, so none is read.
class WebSocketReader {
 public:
  struct Event {
    enum class Kind { need_more, message, ping, pong, close, failed };
    Kind kind = Kind::need_more;
    // message: the whole message; ping, pong: the payload; close: the reason; failed: what
    // was wrong, in words for the close frame and the log. Valid until the next read.
    std::string_view payload;
    std::uint16_t code = 0;  // close: the code the client sent (1005: none); failed: the code
                             // to close with (1002 protocol error, 1007 not UTF-8, 1009 too big)
    bool text = false;       // message: a text message, not a binary one
  };

  explicit WebSocketReader(std::size_t message_limit) noexcept : message_limit_(message_limit) {}

  // Reads from the front of `input` up to the next event, unmasking in place, and drops from
  // `input` what it read. need_more: all of `input` was read and the frame goes on. Once it
  // has failed, every later read fails the same way.
  Event read(std::span<char>& input);

 private:
  bool read_head(std::span<char>& input);
  Event start_frame();
  // What of the frame's payload `input` holds, taken from it and unmasked.
  std::span<char> take_payload(std::span<char>& input) noexcept;
  Event read_control(std::span<char>& input);
  Event read_data(std::span<char>& input);
  Event end_message(std::string_view message);
  Event end_control(std::string_view payload);
  Event fail(std::uint16_t code, std::string_view why);
  void unmask(std::span<char> payload) noexcept;

  std::size_t message_limit_;
  std::array<unsigned char, 14> head_{};  // the frame head being read; 14 bytes at most
  std::size_t head_size_ = 0;
  bool in_frame_ = false;  // the head was read; its payload is being read
  WebSocketOpcode frame_opcode_ = WebSocketOpcode::continuation;
  bool frame_fin_ = false;
  std::uint64_t frame_left_ = 0;  // payload bytes of this frame not yet read
  std::array<unsigned char, 4> mask_{};
  std::size_t mask_offset_ = 0;  // of the next payload byte in the frame, for the mask
  // The message being read: its opcode (continuation between messages), its size so far in
  // frames begun, and what of it came in earlier reads or frames.
  WebSocketOpcode message_opcode_ = WebSocketOpcode::continuation;
  std::size_t message_size_ = 0;
  std::string message_;
  std::string control_;  // a control frame's payload that came in more than one read
  // message_ or control_ was handed out: it is given back at the next read.
  bool message_handed_out_ = false;
  bool control_handed_out_ = false;
  std::string failure_;  // why reading failed; empty while it has not
  std::uint16_t failure_code_ = 0;
};

}  // namespace gw::transports
