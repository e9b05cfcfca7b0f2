#include "connection_context.hpp"

namespace gw::transports {

ConnectionContext::ConnectionContext(Handler& connection_handler, TransportStatsBoard& stats_board,
                                     Limits connection_limits, TransportKind listener_kind,
                                     std::shared_ptr<boost::asio::ssl::context> tls_context)
    : handler(connection_handler),
      stats(stats_board),
      limits(connection_limits),
      listener(listener_kind),
      tls(std::move(tls_context)),
      refusals(std::string(to_string(listener_kind))) {}

std::uint64_t ConnectionContext::admit(std::weak_ptr<Closable> connection, std::string_view host,
                                       TransportStats& counters) {
  const auto admission = connections.add(std::move(connection), host, limits);
  if (admission.id == 0) {
    TransportStats::add(admission.refusal == LiveConnections::Refusal::address_full
                            ? counters.refused_per_address
                            : counters.refused);
    refusals.refused(host, describe(admission.refusal, limits));
    return 0;
  }
  TransportStats::add(counters.sessions_opened);
  counters.sessions_open.fetch_add(1, std::memory_order_relaxed);
  return admission.id;
}

void ConnectionContext::release(std::uint64_t id, TransportStats& counters) {
  if (id == 0) return;
  connections.remove(id);
  counters.sessions_open.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace gw::transports
