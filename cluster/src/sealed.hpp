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
// The plaintext of a token made by `seal` under one of the codec's keys at most a minute ago;
// nothing when it is not one.
std::optional<std::string> unseal(const message::Codec& codec, std::string_view token);

}  // namespace gw::cluster
