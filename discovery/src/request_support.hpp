#pragma once

#include <string>

#include <gw/message/codec.hpp>
#include <gw/message/key_ring.hpp>
#include <gw/message/message.hpp>

namespace gw::discovery {

// 64 random bits in base64url: the id that matches answers to the request that asked for them.
std::string random_request_id();

// Decodes answers without checking their age: a gateway's clock may differ from ours, and an
// answer is matched to our request by its random id instead.
message::Codec answer_codec(const message::KeyRing& keys);

// Fills in what a request lacks: a random id, the userID `user` and the time.
void complete_request(message::Message& request, const std::string& user);

}  // namespace gw::discovery
