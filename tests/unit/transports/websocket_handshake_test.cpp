#include "websocket_handshake.hpp"

#include <catch2/catch.hpp>

using gw::transports::refused_upgrade;
using gw::transports::switching_protocols;

TEST_CASE("an upgrade is accepted with the key of RFC 6455's example", "[websocket]") {
  // RFC 6455, 1.3: this key's accept value is given there.
  CHECK_FALSE(refused_upgrade("dGhlIHNhbXBsZSBub25jZQ==", "13"));
  CHECK(switching_protocols("dGhlIHNhbXBsZSBub25jZQ==") ==
        "HTTP/1.1 101 Switching Protocols\r\nServer: gatewayd\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST_CASE("an upgrade without version 13 or a 16-byte key is refused, saying why", "[websocket]") {
  const auto key = "dGhlIHNhbXBsZSBub25jZQ==";
  auto refusal = refused_upgrade(key, "");
  REQUIRE(refusal);
  CHECK(refusal->status == 400);
  CHECK(refusal->text.find("Sec-WebSocket-Version") != std::string_view::npos);

  refusal = refused_upgrade(key, "8");
  REQUIRE(refusal);
  CHECK(refusal->status == 426);
  CHECK(refusal->wrong_version);

  for (const auto* bad : {"", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=x",
                          "dGhlIHNhbXBsZSBub25j*Q==", "dGhlIHNhbXBsZSBub25jZQ==AAAA"}) {
    refusal = refused_upgrade(bad, "13");
    REQUIRE(refusal);
    CHECK(refusal->status == 400);
    CHECK(refusal->text.find("Sec-WebSocket-Key") != std::string_view::npos);
  }
}
