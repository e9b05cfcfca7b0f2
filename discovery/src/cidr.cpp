#include <charconv>
#include <stdexcept>

#include <gw/discovery/cidr.hpp>

namespace gw::discovery {

namespace {
std::uint32_t mask_of(unsigned prefix) {
  return prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
}
}  // namespace

Cidr::Cidr(Address address, unsigned prefix) : prefix_(prefix) {
  if (prefix > 32) throw std::invalid_argument("a network prefix is at most /32");
  network_ = Address(address.to_uint() & mask_of(prefix));
}

Cidr Cidr::parse(std::string_view text) {
  const auto slash = text.find('/');
  const std::string address_text(text.substr(0, slash));
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address_v4(address_text, error);
  if (error)
    throw std::invalid_argument("'" + std::string(text) +
                                "' is not an IPv4 network: expected ADDRESS/PREFIX, such as "
                                "192.168.1.0/24");
  unsigned prefix = 32;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, parse_error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || parse_error != std::errc{} || end != digits.data() + digits.size() ||
        prefix > 32)
      throw std::invalid_argument("'" + std::string(text) +
                                  "': the prefix after / must be a number from 0 to 32");
  }
  return Cidr(address, prefix);
}

std::vector<Cidr::Address> Cidr::hosts() const {
  const auto first = network_.to_uint();
  const auto count = size();
  std::vector<Address> hosts;
  if (count <= 2) {
    for (std::uint64_t i = 0; i < count; ++i)
      hosts.emplace_back(static_cast<std::uint32_t>(first + i));
    return hosts;
  }
  hosts.reserve(static_cast<std::size_t>(count - 2));
  for (std::uint64_t i = 1; i + 1 < count; ++i)
    hosts.emplace_back(static_cast<std::uint32_t>(first + i));
  return hosts;
}

std::string Cidr::to_string() const {
  return network_.to_string() + "/" + std::to_string(prefix_);
}

}  // namespace gw::discovery
