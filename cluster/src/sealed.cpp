#include "sealed.hpp"

namespace gw::cluster {

std::string seal(const message::Codec& codec, std::string_view plaintext) {
  return codec.keys().primary().encrypt(plaintext);
}

std::optional<std::string> unseal(const message::Codec& codec, std::string_view token,
                                  std::chrono::seconds lifetime) {
  auto plaintext = codec.keys().decrypt(token, lifetime);
  if (!plaintext) return std::nullopt;
  return std::move(*plaintext);
}

}  // namespace gw::cluster
