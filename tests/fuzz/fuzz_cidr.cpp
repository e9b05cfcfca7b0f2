// CIDR parsing: the scanner's networks (gwctl discover --scan) and the trusted networks of the
// limits. Whatever parses must print as text that parses to the same networks.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <gw/discovery/cidr.hpp>
#include <gw/transports/network_list.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto cidr = gw::discovery::Cidr::parse(text);
    const auto again = gw::discovery::Cidr::parse(cidr.to_string());
    if (again.to_string() != cidr.to_string()) __builtin_trap();
  } catch (const std::invalid_argument&) {
    // refused, with a reason: fine
  }
  std::string complaint;
  if (const auto list = gw::transports::NetworkList::parse(text, complaint)) {
    std::string second;
    const auto again = gw::transports::NetworkList::parse(list->to_string(), second);
    if (!again || again->to_string() != list->to_string()) __builtin_trap();
    (void)list->contains(text);
  }
  return 0;
}
