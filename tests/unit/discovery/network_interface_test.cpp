#include <catch2/catch.hpp>

#include <gw/discovery/found_gateway.hpp>
#include <gw/discovery/network_interface.hpp>

namespace {

using gw::discovery::NetworkInterface;
using Address = NetworkInterface::Address;

NetworkInterface interface(std::string name, const char* address, const char* netmask,
                           bool loopback = false) {
  NetworkInterface i;
  i.name = std::move(name);
  i.address = boost::asio::ip::make_address_v4(address);
  i.netmask = boost::asio::ip::make_address_v4(netmask);
  i.loopback = loopback;
  if (!loopback) i.broadcast = Address(i.address.to_uint() | ~i.netmask.to_uint());
  return i;
}

TEST_CASE("interfaces: the kernel's list has loopback, up, with its netmask", "[interfaces]") {
  const auto all = gw::discovery::list_interfaces();
  const auto lo =
      std::find_if(all.begin(), all.end(), [](const NetworkInterface& i) { return i.loopback; });
  REQUIRE(lo != all.end());
  CHECK(lo->address.is_loopback());
  CHECK(lo->prefix_length() == 8);
  CHECK_FALSE(lo->broadcast);
  CHECK(lo->network().to_string() == "127.0.0.0/8");
}

TEST_CASE("interfaces: selection by name, loopback only when named", "[interfaces]") {
  const std::vector<NetworkInterface> all = {
      interface("lo", "127.0.0.1", "255.0.0.0", true),
      interface("eth0", "127.1.1.20", "255.255.255.0"),
      interface("wlan0", "127.2.8.3", "255.255.252.0"),
  };
  const auto names = [](const std::vector<NetworkInterface>& list) {
    std::vector<std::string> out;
    for (const auto& i : list)
      out.push_back(i.name);
    return out;
  };
  CHECK(names(gw::discovery::select_interfaces(all, {})) ==
        std::vector<std::string>{"eth0", "wlan0"});
  CHECK(names(gw::discovery::select_interfaces(all, {"wlan0", "lo"})) ==
        std::vector<std::string>{"lo", "wlan0"});
  CHECK(all[2].network().to_string() == "127.2.8.0/22");
  CHECK(all[1].broadcast->to_string() == "127.1.1.255");
  CHECK_THROWS_WITH(gw::discovery::select_interfaces(all, {"eth1"}),
                    Catch::Contains("'eth1'") && Catch::Contains("lo, eth0, wlan0"));
}

TEST_CASE("found gateway: read from a probe's answer", "[found_gateway]") {
  gw::message::Message answer;
  answer.data =
      nlohmann::json{{"server", {{"name", "kitchen"}, {"id", "abc"}, {"version", "0.1.0"}}},
                     {"endpoints", {{"http", 5000}, {"udp", 1234}}}};
  const auto found = gw::discovery::FoundGateway::from_message(answer, "127.0.0.5", 1.5, "probe");
  REQUIRE(found);
  CHECK(found->name == "kitchen");
  CHECK(found->to_json()["endpoints"]["udp"] == 1234);
  CHECK(found->to_json()["address"] == "127.0.0.5");
  auto without_id = answer.data.parse();
  without_id["server"].erase("id");
  answer.data = without_id;
  CHECK_FALSE(gw::discovery::FoundGateway::from_message(answer, "127.0.0.5", 1.5, "probe"));
  answer.data = "not an object";
  CHECK_FALSE(gw::discovery::FoundGateway::from_message(answer, "127.0.0.5", 1.5, "probe"));
}

}  // namespace
