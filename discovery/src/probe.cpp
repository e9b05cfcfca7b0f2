#include <set>

#include <gw/discovery/probe.hpp>
#include <gw/message/codec.hpp>

#include "datagram_exchange.hpp"
#include "request_support.hpp"

namespace gw::discovery {

std::vector<std::string> broadcast_request(
    const message::KeyRing& keys, message::Message request, const BroadcastOptions& options,
    const std::function<bool(const BroadcastReply&)>& on_reply) {
  complete_request(request, options.user);
  const auto codec = answer_codec(keys);
  auto token = codec.encode(request);
  if (!token) throw std::runtime_error("cannot encode the request: " + token.error().text);
  std::set<DatagramExchange::Endpoint> seen;
  DatagramExchange exchange(options.interfaces, options.port, options.timeout);
  return exchange.run(*token, [&](std::string_view bytes, const DatagramExchange::Endpoint& from,
                                  double elapsed_ms) {
    auto answer = codec.decode(bytes);  // anything not under our key is not a gateway of ours
    if (!answer || answer->id != request.id || !seen.insert(from).second) return true;
    return on_reply(
        BroadcastReply{from.address().to_string(), from.port(), std::move(*answer), elapsed_ms});
  });
}

std::vector<std::string> probe(const message::KeyRing& keys, const BroadcastOptions& options,
                               const OnFound& on_found) {
  message::Message request;
  request.cmd = "handshake";
  request.args = std::string(message::probe_args);
  std::set<std::string> seen;
  return broadcast_request(keys, std::move(request), options, [&](const BroadcastReply& reply) {
    if (reply.reply.code.value_or(0) != 200) return true;
    auto found = FoundGateway::from_message(reply.reply, reply.address, reply.rtt_ms, "probe");
    if (!found || !seen.insert(found->id).second) return true;
    return on_found(*found);
  });
}

}  // namespace gw::discovery
