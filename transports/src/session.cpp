#include <atomic>

#include <gw/transports/session.hpp>

namespace gw::transports {

namespace {
std::atomic<std::uint64_t> next_session_id{1};
}

std::string_view to_string(TransportKind kind) noexcept {
  switch (kind) {
    case TransportKind::http:
      return "http";
    case TransportKind::websocket:
      return "websocket";
    case TransportKind::udp:
      return "udp";
    case TransportKind::tcp:
      return "tcp";
  }
  return "unknown";
}

Session::Session(TransportKind kind, std::string remote_address)
    : id_(next_session_id.fetch_add(1, std::memory_order_relaxed)),
      kind_(kind),
      remote_address_(std::move(remote_address)) {}

void Session::reply(Frame frame, int /*status*/) {
  send(std::move(frame));
}

}  // namespace gw::transports
