#include <gw/gateway/builtin_commands.hpp>
#include <gw/gateway/dispatcher.hpp>
#include <gw/gateway/gateway.hpp>

namespace gw::gateway {

Gateway::Gateway(ServerInfo server, message::Codec codec, GatewaySettings settings)
    : server_(std::move(server)),
      settings_(std::move(settings)),
      codec_(std::move(codec)),
      hub_(settings_.sessions),
      dispatcher_(std::make_unique<Dispatcher>(*this)),
      workers_(settings_.worker_threads, settings_.worker_queue) {
  add_builtin_commands(commands_);
}

Gateway::~Gateway() = default;

transports::Handler& Gateway::handler() noexcept {
  return *dispatcher_;
}

void Gateway::tick(std::chrono::steady_clock::time_point now) {
  hub_.tick(now);
}

void Gateway::begin_stopping() {
  stopping_.store(true, std::memory_order_relaxed);
  hub_.end_all_polls();
}

}  // namespace gw::gateway
