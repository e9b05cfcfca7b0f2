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

std::string_view SessionTraits::label() const noexcept {
  return part.empty() ? to_string(kind) : part;
}

const SessionTraits& traits_of(TransportKind kind) noexcept {
  using DeliveryPath = SessionTraits::DeliveryPath;
  static constexpr SessionTraits http{
      .kind = TransportKind::http, .delivery = DeliveryPath::mailbox, .reply_per_request = true};
  static constexpr SessionTraits websocket{.kind = TransportKind::websocket,
                                           .connection = true,
                                           .delivery = DeliveryPath::connection,
                                           .welcomed = true,
                                           .own_copy_answers_chat = true};
  static constexpr SessionTraits udp{.kind = TransportKind::udp,
                                     .delivery = DeliveryPath::latest_request,
                                     .forgeable_source = true,
                                     .found_by_address = true};
  static constexpr SessionTraits tcp{
      .kind = TransportKind::tcp, .connection = true, .delivery = DeliveryPath::connection};
  switch (kind) {
    case TransportKind::http:
      return http;
    case TransportKind::websocket:
      return websocket;
    case TransportKind::udp:
      return udp;
    case TransportKind::tcp:
      return tcp;
  }
  return http;
}

Session::Session(const SessionTraits& traits, std::string remote_address)
    : id_(next_session_id.fetch_add(1, std::memory_order_relaxed)),
      traits_(traits),
      remote_address_(std::move(remote_address)),
      host_(host_of(remote_address_)) {}

std::string_view host_of(std::string_view address) noexcept {
  if (address.starts_with('[')) {
    const auto close = address.find(']');
    return close == std::string_view::npos ? address : address.substr(1, close - 1);
  }
  const auto colon = address.rfind(':');
  // More than one colon without brackets is a bare IPv6 address.
  if (colon == std::string_view::npos || address.find(':') != colon) return address;
  return address.substr(0, colon);
}

void Session::reply(Frame frame, int /*status*/) {
  send(std::move(frame));
}

}  // namespace gw::transports
