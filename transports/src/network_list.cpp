#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <gw/transports/network_list.hpp>

namespace gw::transports {

namespace asio = boost::asio;

namespace {
std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

bool prefix_matches(const std::uint8_t* a, const std::uint8_t* b, unsigned prefix) {
  const unsigned whole = prefix / 8;
  for (unsigned i = 0; i < whole; ++i)
    if (a[i] != b[i]) return false;
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}
}  // namespace

std::optional<NetworkList> NetworkList::parse(std::string_view text, std::string& complaint) {
  NetworkList list;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = std::string(trimmed(text.substr(0, comma)));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    boost::system::error_code error;
    Network network;
    const std::string cidr = item.find('/') == std::string::npos
                                 ? item + (item.find(':') == std::string::npos ? "/32" : "/128")
                                 : item;
    if (cidr.find(':') == std::string::npos) {
      const auto v4 = asio::ip::make_network_v4(cidr, error);
      if (!error) {
        const auto bytes = v4.network().to_bytes();
        std::copy(bytes.begin(), bytes.end(), network.bytes.begin());
        network.prefix = v4.prefix_length();
      }
    } else {
      const auto v6 = asio::ip::make_network_v6(cidr, error);
      if (!error) {
        network.bytes = v6.network().to_bytes();
        network.prefix = v6.prefix_length();
        network.v4 = false;
      }
    }
    if (error) {
      complaint =
          "'" + item + "' is not a network; expected such as 10.0.0.0/8, 192.168.1.7 or fd00::/8";
      return std::nullopt;
    }
    list.networks_.push_back(network);
  }
  return list;
}

bool NetworkList::contains(std::string_view address) const {
  if (networks_.empty()) return false;
  boost::system::error_code error;
  auto ip = asio::ip::make_address(std::string(address), error);
  if (error) return false;
  if (ip.is_v6() && ip.to_v6().is_v4_mapped())
    ip = asio::ip::make_address_v4(asio::ip::v4_mapped, ip.to_v6());
  for (const auto& network : networks_) {
    if (network.v4 != ip.is_v4()) continue;
    if (ip.is_v4()) {
      const auto bytes = ip.to_v4().to_bytes();
      if (prefix_matches(bytes.data(), network.bytes.data(), network.prefix)) return true;
    } else {
      const auto bytes = ip.to_v6().to_bytes();
      if (prefix_matches(bytes.data(), network.bytes.data(), network.prefix)) return true;
    }
  }
  return false;
}

std::string NetworkList::to_string() const {
  std::string out;
  for (const auto& network : networks_) {
    if (!out.empty()) out += ", ";
    if (network.v4) {
      asio::ip::address_v4::bytes_type bytes;
      std::copy_n(network.bytes.begin(), 4, bytes.begin());
      out += asio::ip::address_v4(bytes).to_string();
    } else {
      out += asio::ip::address_v6(network.bytes).to_string();
    }
    out += "/" + std::to_string(network.prefix);
  }
  return out;
}

}  // namespace gw::transports
