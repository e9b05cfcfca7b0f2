#include <gw/gateway/identities.hpp>

namespace gw::gateway {

namespace {

std::vector<message::Fernet> keys_of(std::span<const Device> devices) {
  std::vector<message::Fernet> keys;
  keys.reserve(devices.size());
  for (const auto& device : devices)
    keys.push_back(device.key);
  return keys;
}

}  // namespace

Identities::Identities(std::shared_ptr<const Identity> shared, std::span<const Device> devices)
    : shared_(std::move(shared)), search_(keys_of(devices)) {
  devices_.reserve(devices.size());
  for (const auto& device : devices) {
    devices_.push_back(std::make_shared<const Identity>(
        device.name, device.key, Permissions(device.permissions), device.description));
    by_name_.emplace(devices_.back()->name, devices_.size() - 1);
  }
}

std::shared_ptr<const Identity> Identities::device(std::string_view name) const {
  const auto found = by_name_.find(name);
  return found == by_name_.end() ? nullptr : devices_[found->second];
}

Identities::Read Identities::read(const message::Codec& codec, std::string_view token,
                                  message::UnixSeconds now, std::span<const std::string> first,
                                  const SearchAllowance& may_search) const {
  auto parsed = codec.parse(token);
  if (!parsed) return {nullptr, std::move(parsed).error()};
  // Only a MAC mismatch moves on to the next key: any other failure is that key's verdict.
  const auto mismatch = [](const message::Result<message::DecodedMessage>& decoded) {
    return !decoded && decoded.error().kind == message::ErrorKind::bad_mac;
  };
  for (const auto& name : first) {
    if (auto identity = device(name)) {
      auto decoded = codec.open(*parsed, *identity->key, now);
      if (!mismatch(decoded)) return {std::move(identity), std::move(decoded)};
    }
  }
  auto decoded = codec.open(*parsed, now);
  if (!mismatch(decoded)) {
    if (!shared_)
      return {nullptr, message::Error{message::ErrorKind::bad_mac,
                                      "this gateway takes tokens under a device's own key only "
                                      "([shared_key] enabled = false)"}};
    return {shared_, std::move(decoded)};
  }
  if (search_.size() == 0) return {nullptr, std::move(decoded)};
  if (may_search && !may_search(search_.size()))
    return {nullptr,
            message::Error{message::ErrorKind::bad_mac,
                           "not read: the gateway is searching its device keys for too many "
                           "tokens; try again shortly"},
            true};
  if (const auto found = search_.find(*parsed)) {
    const auto& identity = devices_[*found];
    return {identity, codec.open(*parsed, *identity->key, now)};
  }
  return {nullptr, std::move(decoded)};  // the shared keys' refusal says what a key holder needs
}

}  // namespace gw::gateway
