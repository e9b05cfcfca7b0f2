#include <gw/gateway/builtin_commands.hpp>
#include <gw/gateway/dispatcher.hpp>
#include <gw/gateway/gateway.hpp>

namespace gw::gateway {

Gateway::Gateway(ServerInfo server, message::Codec codec)
    : server_(std::move(server)),
      codec_(std::move(codec)),
      dispatcher_(std::make_unique<Dispatcher>(*this)) {
  add_builtin_commands(commands_);
}

Gateway::~Gateway() = default;

transports::Handler& Gateway::handler() noexcept {
  return *dispatcher_;
}

}  // namespace gw::gateway
