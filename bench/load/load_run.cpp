#include "load_run.hpp"

#include <stdexcept>

namespace gw::bench {

namespace {
constexpr std::size_t request_tokens = 65536;
constexpr std::size_t handshake_tokens = 4096;

std::string encoded(const message::Codec& codec, const message::Message& m) {
  auto token = codec.encode(m);
  if (!token) throw std::runtime_error("cannot encode: " + token.error().text);
  return std::move(*token);
}
}  // namespace

LoadRun::LoadRun(const message::Codec& codec, std::size_t verify_every, std::string send_to)
    : codec_(codec),
      verify_every_(verify_every == 0 ? 1 : verify_every),
      send_to_(std::move(send_to)) {
  for (std::size_t i = 0; i < handshake_tokens; ++i)
    handshakes_ring_.tokens.push_back(fresh_token("handshake"));
  for (std::size_t i = 0; i < request_tokens; ++i)
    requests_.tokens.push_back(fresh_token(request_cmd()));
}

const std::string& LoadRun::next(TokenRing& ring, std::string_view cmd) {
  auto& slot = ring.tokens[ring.next];
  if (ring.wrapped) slot = fresh_token(cmd);
  if (++ring.next == ring.tokens.size()) {
    ring.next = 0;
    ring.wrapped = true;
  }
  return slot;
}

std::string LoadRun::fresh_token(std::string_view cmd) {
  message::Message request;
  request.user_id = "gateway_load";
  request.cmd = std::string(cmd);
  request.id = "f" + std::to_string(++fresh_);
  if (cmd == "send") {
    request.to = send_to_;
    request.text = "reading " + request.id + " from gateway_load";
  }
  return encoded(codec_, request);
}

bool LoadRun::check(std::string_view reply, std::string_view cmd) {
  if (reply.empty()) {
    count_failure("an empty reply to " + std::string(cmd));
    return false;
  }
  if (checked_++ % verify_every_ != 0) return true;
  auto decoded = codec_.decode(reply);
  if (!decoded) {
    count_failure("an undecodable reply to " + std::string(cmd) + ": " + decoded.error().text);
    return false;
  }
  if (decoded->cmd != cmd || decoded->code != 200) {
    count_failure("a reply to " + std::string(cmd) + " with cmd '" + decoded->cmd + "', text '" +
                  decoded->text + "'");
    return false;
  }
  ++verified_;
  return true;
}

void LoadRun::count_failure(std::string what) {
  if (failures_++ == 0) first_failure_ = std::move(what);
  client_done();
}

void LoadRun::client_done() {
  if (--active_clients_ == 0 && on_all_done) on_all_done();
}

bool LoadRun::complete(std::string_view cmd) {
  if (cmd == "handshake")
    ++handshakes_;
  else if (measuring)
    ++round_trips_;
  if (!stopping) return true;
  client_done();
  return false;
}

}  // namespace gw::bench
