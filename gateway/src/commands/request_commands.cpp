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

// "ask WHO CMD ARGS" (or `to` WHO and args "CMD ARGS"): the gateway sends CMD to the client and
// answers with the client's reply, or 504 when none comes in time.
std::optional<Message> ask(const RequestCommandsUse& use, const CommandContext& context) {
  auto who = context.request.to;
  std::string rest = context.request.args;
  if (who.empty()) std::tie(who, rest) = split_first_word(rest);
  auto [cmd, args] = split_first_word(rest);
  if (who.empty() || cmd.empty())
    return refusal(400, "ask needs a client and a command: args \"WHO CMD [ARGS]\"");
  const auto target = use.hub.find(who);
  if (!target) return refusal(404, "no client with the id or name '" + who + "'");
  const auto timeout = use.request_timeout;
  Message request;
  request.cmd = cmd;
  request.args = args;
  request.text = context.request.text;
  request.data = context.request.data;
  const auto name = target->id() + " (" + target->name() + ")";
  const bool sent =
      use.ask(target, std::move(request), timeout,
              [respond = context.responder(), name, timeout](std::optional<Message> answer) {
                if (!answer)
                  return respond(refusal(504, name + " did not answer within " +
                                                  std::to_string(timeout.count()) + " s"));
                auto reply = text_reply(answer->text, {{"from", name},
                                                       {"cmd", answer->cmd},
                                                       {"code", answer->code.value_or(200)},
                                                       {"data", answer->data}});
                respond(std::move(reply));
              });
  if (!sent) return refusal(413, "the request is too large to send");
  return std::nullopt;  // answered by the client's reply, or the timeout
}

// "TABLE/KEY": the row as data. Runs on the worker pool: it may read the table's file.
std::optional<Message> lookup(const RequestCommandsUse& use, const CommandContext& context) {
  const auto args = trimmed_args(context.request.args);
  const auto slash = args.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == args.size())
    return refusal(400, "lookup needs args \"TABLE/KEY\", such as sensors/kitchen");
  auto answer = use.tables.lookup(std::string_view(args).substr(0, slash),
                                  std::string_view(args).substr(slash + 1));
  if (answer.code != 200) return refusal(answer.code, std::move(answer.text));
  return text_reply(std::move(answer.text), std::move(answer.row));
}

}  // namespace

void add_request_commands(CommandRegistry& registry, RequestCommandsUse use) {
  registry.add({.name = "lookup",
                .description =
                    "A row of a lookup table ([[tables]] in the configuration): args \"TABLE/KEY\"",
                .handler = handler_using(use, lookup),
                .blocking = true});
  registry.add({.name = "get",
                .description = "Read a requestable: args is its name (time, version, stats, ...)",
                .handler = handler_using(use, get)});
  registry.add({.name = "ask",
                .description =
                    "Send a command to another client and answer with its reply: args \"WHO CMD "
                    "[ARGS]\" (504 if it does not answer in time)",
                .handler = handler_using(use, ask)});
}

}  // namespace gw::gateway
