#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <gw/message/codec.hpp>

namespace gw::cluster {

// What gateways tell each other besides messages (heartbeats, client lists, answers) goes over
// NATS as a Fernet token under the cluster's shared key, like messages do: a NATS server, or
// anyone else on it, can neither read it nor forge it.
std::string seal(const message::Codec& codec, std::string_view plaintext);
// What gateways say to each other is answered within seconds: older is a replay.
inline constexpr std::chrono::seconds sealed_lifetime{60};

// The plaintext of a token made by `seal` under one of the codec's keys at most `lifetime` ago
// (0: any age, for what the cluster stores); nothing when it is not one.
std::optional<std::string> unseal(const message::Codec& codec, std::string_view token,
                                  std::chrono::seconds lifetime = sealed_lifetime);

}  // namespace gw::cluster
