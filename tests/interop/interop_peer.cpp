// Exposes the message library to the Python interop tests: one JSON request per line on
// standard input, one JSON answer per line on standard output. Bytes travel as base64url.
//   {"op":"encrypt","keys":[K...],"plaintext":B64,"now":N?}      -> {"token":T}
//   {"op":"decrypt","keys":[K...],"token":T,"ttl":S,"now":N?}    -> {"plaintext":B64}
//   {"op":"rotate","keys":[K...],"token":T}                      -> {"token":T}
//   {"op":"encode","keys":[K...],"message":{...}}                -> {"token":T}
//   {"op":"decode","keys":[K...],"token":T,"ttl":S}              -> {"message":{...}}
// Any failure answers {"error":KIND,"text":TEXT}.
#include <iostream>
#include <string>

#include <gw/message/base64url.hpp>
#include <gw/message/codec.hpp>
#include <gw/message/key_ring.hpp>

namespace {

using gw::message::Error;
using gw::message::KeyRing;
using gw::message::UnixSeconds;
using Json = nlohmann::json;

Json error_answer(const Error& error) {
  return {{"error", gw::message::to_string(error.kind)}, {"text", error.text}};
}

std::string bytes_to_text(const std::string& bytes) {
  return gw::message::base64url::encode(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

Json answer(const Json& request) {
  auto ring = KeyRing::from_keys(request.at("keys").get<std::vector<std::string>>());
  if (!ring) return error_answer(ring.error());
  const std::string op = request.at("op");
  const UnixSeconds now = request.value("now", gw::message::unix_now());
  const std::chrono::seconds ttl{request.value("ttl", 0)};

  if (op == "encrypt") {
    auto plaintext = gw::message::base64url::decode(request.at("plaintext").get<std::string>());
    if (!plaintext) return error_answer(plaintext.error());
    return {{"token", ring->encrypt(std::string(plaintext->begin(), plaintext->end()), now)}};
  }
  if (op == "decrypt") {
    auto plaintext = ring->decrypt(request.at("token").get<std::string>(), ttl, now);
    if (!plaintext) return error_answer(plaintext.error());
    return {{"plaintext", bytes_to_text(*plaintext)}};
  }
  if (op == "rotate") {
    auto token = ring->rotate(request.at("token").get<std::string>());
    if (!token) return error_answer(token.error());
    return {{"token", *token}};
  }
  const gw::message::Codec codec(std::move(*ring), {ttl});
  if (op == "encode") {
    auto message = gw::message::Message::from_json(request.at("message").dump());
    if (!message) return error_answer(message.error());
    auto token = codec.encode(*message);
    if (!token) return error_answer(token.error());
    return {{"token", *token}};
  }
  if (op == "decode") {
    auto message = codec.decode(request.at("token").get<std::string>(), now);
    if (!message) return error_answer(message.error());
    return {{"message", Json::parse(*message->to_json())}};
  }
  return {{"error", "usage"}, {"text", "unknown op " + op}};
}

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    Json reply;
    try {
      reply = answer(Json::parse(line));
    } catch (const std::exception& e) {
      reply = {{"error", "usage"}, {"text", e.what()}};
    }
    std::cout << reply.dump() << std::endl;
  }
}
