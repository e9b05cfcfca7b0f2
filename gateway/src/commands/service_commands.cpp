#include <memory>

#include <gw/gateway/cluster_link.hpp>

#include "command_sets.hpp"

namespace gw::gateway {

namespace {

using message::Message;

constexpr std::size_t max_service_name = 64;

// One call of a provided command, offered to its providers in turn until one answers.
struct ServiceCall {
  std::string name;
  Message request;  // as each provider receives it
  std::vector<Services::Provider> providers;
  std::size_t next = 0;
  std::size_t silent = 0;  // of those tried, how many were there and did not answer in time
  Responder respond;
};

// What the caller gets: the provider's code, text and data, under the caller's id. No `from`:
// that marks a delivered message, and this is the reply to the caller's request.
Message answer_of(const std::string& name, const Message& answer) {
  Message reply;
  reply.cmd = name;
  reply.code = answer.code.value_or(200);
  reply.text = answer.text;
  reply.data = answer.data;
  return reply;
}

void offer(const ServiceCommandsUse& use, const std::shared_ptr<ServiceCall>& call);

// Asks a provider of another gateway, through the cluster; false when there is no cluster.
bool offer_elsewhere(const ServiceCommandsUse& use, const std::shared_ptr<ServiceCall>& call,
                     const std::string& provider_id) {
  auto* cluster = use.hub.cluster();
  if (!cluster) return false;
  cluster->ask_elsewhere(provider_id, call->request, use.request_timeout,
                         [use, call](ClusterLink::Remote remote) {
                           if (remote.code == 200 && remote.reply)
                             return call->respond(answer_of(call->name, *remote.reply));
                           if (remote.code == 413) return call->respond(refusal(413, remote.text));
                           if (remote.code == 504) ++call->silent;
                           offer(use, call);  // gone, silent or unreachable: the next provider
                         });
  return true;
}

// Offers the call to the next provider still there; 504 once none is left to try.
void offer(const ServiceCommandsUse& use, const std::shared_ptr<ServiceCall>& call) {
  while (call->next < call->providers.size()) {
    const auto& [provider_id, node] = call->providers[call->next++];
    if (!node.empty()) {
      if (offer_elsewhere(use, call, provider_id)) return;
      continue;
    }
    const auto provider = use.hub.find(provider_id);
    if (!provider || provider->id() != provider_id) {
      use.services.withdraw_all(provider_id);  // gone without its connection saying so
      continue;
    }
    const bool sent = use.ask(provider, call->request, use.request_timeout,
                              [use, call, provider_id](std::optional<Message> answer) {
                                if (answer) return call->respond(answer_of(call->name, *answer));
                                const auto still = use.hub.find(provider_id);
                                if (still && !still->away()) ++call->silent;  // else it left
                                offer(use, call);  // the next provider, if there is one
                              });
    if (!sent) return call->respond(refusal(413, "the call is too large to send"));
    return;
  }
  if (call->silent == 0)
    return call->respond(refusal(504, "every provider of '" + call->name +
                                          "' left before it answered; none is left to ask"));
  call->respond(refusal(504, "no provider of '" + call->name + "' answered within " +
                                 std::to_string(use.request_timeout.count()) + " s"));
}

// A message whose cmd a client provides: passed to a provider with the caller's args, text
// and data, `from` the caller and an id of the gateway's; answered by the provider's reply.
std::optional<Message> call(const ServiceCommandsUse& use, const CommandContext& context) {
  const auto& name = context.request.cmd;
  auto providers = use.services.providers_for_call(name);
  if (providers.empty()) return refusal(404, "no client provides '" + name + "' now");
  Message request;
  request.cmd = name;
  request.args = context.request.args;
  request.text = context.request.text;
  request.data = context.request.data;
  request.from = context.client ? context.client->id() : std::string();
  offer(use, std::make_shared<ServiceCall>(ServiceCall{.name = name,
                                                       .request = std::move(request),
                                                       .providers = std::move(providers),
                                                       .next = 0,
                                                       .respond = context.responder()}));
  return std::nullopt;
}

// The refusal of a name a client may not provide, or nothing.
std::optional<Message> name_refusal(const ServiceCommandsUse& use, const std::string& name) {
  if (!is_one_word(name, max_service_name))
    return refusal(400, "provide needs the command's name as args: one word of at most " +
                            std::to_string(max_service_name) + " characters");
  if (use.commands.find(name)) return refusal(409, "'" + name + "' is a command of the gateway");
  return std::nullopt;
}

std::optional<Message> provide(const ServiceCommandsUse& use, const CommandContext& context) {
  const auto name = trimmed_args(context.request.args);
  if (auto refused = name_refusal(use, name)) return refused;
  const auto data = context.request.data.parse();
  Services::Offer offer;
  if (data.is_object() && data.contains("description")) {
    if (!data["description"].is_string() || data["description"].get<std::string>().size() > 200)
      return refusal(400, "data.description must be a string of at most 200 bytes");
    offer.description = data["description"].get<std::string>();
  }
  if (data.is_object() && data.contains("permission")) {
    const auto permission =
        data["permission"].is_string()
            ? Services::call_permission_of(data["permission"].get<std::string>())
            : std::nullopt;
    if (!permission)
      return refusal(400,
                     "data.permission must be \"call\" (callers whose call permission "
                     "names the service) or \"admin\" (admins only)");
    offer.permission = *permission;
  }
  const auto provided = use.services.provide(name, context.client->id(), std::move(offer));
  if (provided == Services::Provided::full)
    return refusal(503, "this gateway holds as many services as it may (" +
                            std::to_string(Services::max_names) + " names, " +
                            std::to_string(Services::max_providers) + " providers of each)");
  const bool added = provided == Services::Provided::added;
  return text_reply(std::string(added ? "providing '" : "already providing '") + name +
                        "': calls come as messages with cmd " + name +
                        " and an id; answer each with a message carrying that id",
                    {{"name", name}});
}

std::optional<Message> unprovide(const ServiceCommandsUse& use, const CommandContext& context) {
  const auto name = trimmed_args(context.request.args);
  if (!use.services.withdraw(name, context.client->id()))
    return refusal(404, "you do not provide '" + name + "'");
  return text_reply("no longer providing '" + name + "'", {{"name", name}});
}

}  // namespace

void add_service_commands(CommandRegistry& registry, ServiceCommandsUse use) {
  use.services.set_call_handler(handler_using(use, call));
  // Who may provide a name is the provide permission's to say, for both.
  const auto provided_name = [](const Message& request) {
    return std::vector<Access>{{Access::Kind::provide, trimmed_args(request.args)}};
  };
  registry.add({.name = "provide",
                .description = "Serve a command of your own to every client: args its name, "
                               "data.description what it does, data.permission who may call it "
                               "(call: those whose call permission names it; admin); calls "
                               "come with cmd NAME and an id, and your reply carrying that id "
                               "is the answer",
                .permission = Permission::everyone,
                .handler = handler_using(use, provide),
                .needs_session = true,
                .accesses = provided_name});
  registry.add({.name = "unprovide",
                .description = "Stop serving a command given to provide: args its name",
                .permission = Permission::everyone,
                .handler = handler_using(use, unprovide),
                .needs_session = true,
                .accesses = provided_name});
}

}  // namespace gw::gateway
