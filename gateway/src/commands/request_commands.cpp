#include "command_sets.hpp"

namespace gw::gateway {

namespace {

using message::Message;

std::optional<Message> get(const RequestCommandsUse& use, const CommandContext& context) {
  const auto name = trimmed_args(context.request.args);
  auto& requestables = use.requestables;
  if (name.empty()) {
    auto list = requestables.list();
    const auto count = list.size();
    return text_reply(std::to_string(count) + " requestables; get NAME reads one", std::move(list));
  }
  auto value = requestables.get(name);
  if (!value)
    return refusal(404, "no requestable '" + name + "'; send get without args for the list");
  return text_reply(name, std::move(*value));
}

// The reply to `ask`: what the client `name` answered.
Message ask_reply(const Message& answer, const std::string& name) {
  return text_reply(answer.text, {{"from", name},
                                  {"cmd", answer.cmd},
                                  {"code", answer.code.value_or(200)},
                                  {"data", answer.data.parse()}});
}

// "ask WHO CMD ARGS" (or `to` WHO and args "CMD ARGS"): the gateway sends CMD to the client and
// answers with the client's reply, or 504 when none comes in time.
std::optional<Message> ask(const RequestCommandsUse& use, const CommandContext& context) {
  const auto who = target_of(context.request, &Message::to);
  const auto rest = context.request.to.empty() ? split_first_word(context.request.args).second
                                               : context.request.args;
  auto [cmd, args] = split_first_word(rest);
  if (who.empty() || cmd.empty())
    return refusal(400, "ask needs a client and a command: args \"WHO CMD [ARGS]\"");
  const auto timeout = use.request_timeout;
  Message request;
  request.cmd = cmd;
  request.args = args;
  request.text = context.request.text;
  request.data = context.request.data;
  const auto target = use.hub.find(who);
  if (!target && use.hub.cluster()) {  // perhaps a client of another gateway of the cluster
    use.hub.cluster()->ask_elsewhere(who, std::move(request), timeout,
                                     [respond = context.responder()](ClusterLink::Remote remote) {
                                       if (remote.code != 200 || !remote.reply)
                                         return respond(refusal(remote.code, remote.text));
                                       respond(ask_reply(*remote.reply, remote.text));
                                     });
    return std::nullopt;
  }
  if (!target) return refusal(404, "no client with the id or name '" + who + "'");
  const auto name = target->id() + " (" + target->name() + ")";
  if (const auto offers = target->offers();
      offers && !offers->answers(cmd, split_first_word(args).first))
    return refusal(404, name + " does not answer '" + cmd + "'; its handshake offered " +
                            nlohmann::json(offers->commands).dump() + " and requestables " +
                            nlohmann::json(offers->requestables).dump());
  const bool sent =
      use.ask(target, std::move(request), timeout,
              [respond = context.responder(), name, timeout](std::optional<Message> answer) {
                if (!answer)
                  return respond(refusal(504, name + " did not answer within " +
                                                  std::to_string(timeout.count()) + " s"));
                respond(ask_reply(*answer, name));
              });
  if (!sent) return refusal(413, "the request is too large to send");
  return std::nullopt;  // answered by the client's reply, or the timeout
}

// The table of "TABLE/KEY" and the key; nothing when args are not of that form.
std::optional<std::pair<std::string, std::string>> table_and_key(const Message& request) {
  const auto args = trimmed_args(request.args);
  const auto slash = args.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == args.size()) return std::nullopt;
  return std::pair{args.substr(0, slash), args.substr(slash + 1)};
}

// "TABLE/KEY": the row as data. Runs on the worker pool: it may read the table's file.
std::optional<Message> lookup(const RequestCommandsUse& use, const CommandContext& context) {
  const auto wanted = table_and_key(context.request);
  if (!wanted) return refusal(400, "lookup needs args \"TABLE/KEY\", such as sensors/kitchen");
  auto answer = use.tables.lookup(wanted->first, wanted->second);
  if (answer.code != 200) return refusal(answer.code, std::move(answer.text));
  return text_reply(std::move(answer.text), std::move(answer.row));
}

}  // namespace

void add_request_commands(CommandRegistry& registry, RequestCommandsUse use) {
  registry.add({.name = "lookup",
                .description =
                    "A row of a lookup table ([[tables]] in the configuration): args \"TABLE/KEY\"",
                .permission = Permission::everyone,
                .handler = handler_using(use, lookup),
                .blocking = true,
                .accesses = [](const Message& request) {
                  const auto wanted = table_and_key(request);
                  if (!wanted) return std::vector<Access>{};
                  return std::vector<Access>{{Access::Kind::table, wanted->first}};
                }});
  registry.add({.name = "get",
                .description = "Read a requestable: args is its name (time, version, stats, ...)",
                .permission = Permission::everyone,
                .handler = handler_using(use, get),
                .accesses = [](const Message& request) {
                  const auto name = trimmed_args(request.args);
                  if (name.empty()) return std::vector<Access>{};  // the list: anyone may read it
                  return std::vector<Access>{{Access::Kind::requestable, name}};
                }});
  registry.add(
      {.name = "ask",
       .description = "Send a command to another client and answer with its reply: args \"WHO CMD "
                      "[ARGS]\" (504 if it does not answer in time)",
       .handler = handler_using(use, ask),
       .accesses = [](const Message& request) {
         return std::vector<Access>{{Access::Kind::send, target_of(request, &Message::to)}};
       }});
}

}  // namespace gw::gateway
