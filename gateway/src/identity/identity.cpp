#include <gw/gateway/identity.hpp>

namespace gw::gateway {

std::string Identity::label() const {
  return device() ? "device '" + name + "'" : std::string("the shared key");
}

std::string Identity::tag() const {
  return device() ? name : std::string("(shared key)");
}

const message::Fernet& key_for(const Identity* identity, const message::Codec& codec) {
  return identity && identity->key ? *identity->key : codec.keys().primary();
}

}  // namespace gw::gateway
