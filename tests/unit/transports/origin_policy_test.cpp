// Which browser pages may open a WebSocket: the gateway's own, those the operator lists, and
// clients that are not browsers (no Origin). Everything else is refused with a reason.
#include "origin_policy.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace {

using gw::transports::refused_origin;
const std::vector<std::string> none;

}  // namespace

TEST_CASE("a client that sends no Origin is not a browser and is let in", "[origin]") {
  CHECK_FALSE(refused_origin("", "gw.lan:5001", none));
}

TEST_CASE("the gateway's own pages may connect, by either scheme and in any case", "[origin]") {
  CHECK_FALSE(refused_origin("http://gw.lan:5001", "gw.lan:5001", none));
  CHECK_FALSE(refused_origin("https://gw.lan:5001", "gw.lan:5001", none));
  CHECK_FALSE(refused_origin("http://GW.Lan:5001", "gw.lan:5001", none));
}

TEST_CASE("another page is refused, with the setting that would allow it", "[origin]") {
  const auto refused = refused_origin("http://evil.example", "gw.lan:5001", none);
  REQUIRE(refused);
  CHECK(*refused ==
        "WebSocket connections from pages of http://evil.example are refused; the gateway's "
        "operator can allow it with [listeners] allowed_origins\n");
}

TEST_CASE("an origin that only resembles the host is refused", "[origin]") {
  CHECK(refused_origin("http://gw.lan:5002", "gw.lan:5001", none));               // another port
  CHECK(refused_origin("http://gw.lan", "gw.lan:5001", none));                    // no port
  CHECK(refused_origin("http://gw.lan:5001.evil.example", "gw.lan:5001", none));  // a suffix
  CHECK(refused_origin("http://x.gw.lan:5001", "gw.lan:5001", none));             // a prefix
  CHECK(refused_origin("file://gw.lan:5001", "gw.lan:5001", none));               // not http(s)
  CHECK(refused_origin("null", "gw.lan:5001", none));  // a sandboxed page
}

TEST_CASE("origins the operator lists are let in, exactly and in any case", "[origin]") {
  const std::vector<std::string> allowed{"https://dashboard.lan", "http://192.0.2.5:8080"};
  CHECK_FALSE(refused_origin("https://dashboard.lan", "gw.lan:5001", allowed));
  CHECK_FALSE(refused_origin("HTTPS://Dashboard.LAN", "gw.lan:5001", allowed));
  CHECK_FALSE(refused_origin("http://192.0.2.5:8080", "gw.lan:5001", allowed));
  CHECK(refused_origin("http://dashboard.lan", "gw.lan:5001", allowed));  // the scheme counts
  CHECK(refused_origin("https://dashboard.lan:443", "gw.lan:5001", allowed));
  CHECK(refused_origin("http://192.0.2.5", "gw.lan:5001", allowed));
}

TEST_CASE("a listed * lets every page in", "[origin]") {
  const std::vector<std::string> everyone{"*"};
  CHECK_FALSE(refused_origin("http://evil.example", "gw.lan:5001", everyone));
  CHECK_FALSE(refused_origin("null", "gw.lan:5001", everyone));
}
