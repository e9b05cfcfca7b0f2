#include "sealed.hpp"

namespace gw::cluster {

namespace {
// Gateways answer within seconds; an older token is a replay.
constexpr std::chrono::seconds sealed_lifetime{60};
}  // namespace

std::string seal(const message::Codec& codec, std::string_view plaintext) {
  return codec.keys().primary().encrypt(plaintext);
}

std::optional<std::string> unseal(const message::Codec& codec, std::string_view token) {
  auto plaintext = codec.keys().decrypt(token, sealed_lifetime);
  if (!plaintext) return std::nullopt;
  return std::move(*plaintext);
}

}  // namespace gw::cluster
