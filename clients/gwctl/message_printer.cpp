#include "message_printer.hpp"

#include <iostream>

namespace gw::gwctl {

void print_message(const message::Message& message, bool json, bool colour) {
  if (json) {
    std::cout << message.to_object().dump() << std::endl;
    return;
  }
  const char* dim = colour ? "\033[2m" : "";
  const char* bold = colour ? "\033[1m" : "";
  const char* plain = colour ? "\033[0m" : "";
  std::cout << dim << message.timestamp << plain << ' ' << bold
            << (message.user_id.empty() ? message.from : message.user_id) << plain;
  if (!message.from.empty() && message.from != message.user_id)
    std::cout << " (" << message.from << ")";
  if (!message.topic.empty()) {
    std::cout << " [" << message.topic;
    if (message.offset != 0) std::cout << " #" << message.offset;
    std::cout << "]";
  }
  if (message.retain) std::cout << " (retained)";
  if (!message.cmd.empty()) std::cout << " " << message.cmd;
  std::cout << ": " << message.text;
  if (!message.data.empty()) std::cout << (message.text.empty() ? "" : " ") << message.data.text();
  std::cout << std::endl;
}

}  // namespace gw::gwctl
