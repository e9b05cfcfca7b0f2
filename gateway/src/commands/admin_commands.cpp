#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <gw/gateway/builtin_commands.hpp>
#include <gw/gateway/device_file.hpp>
#include <gw/gateway/gateway_control.hpp>

#include "command_sets.hpp"

namespace gw::gateway {

namespace {

using message::Message;

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return digest;
}

// Compared as digests, in constant time: neither the content nor the length of the key leaks
// through the time a wrong guess takes.
bool same_key(std::string_view given, std::string_view expected) {
  const auto a = sha256(given);
  const auto b = sha256(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<Message> auth(const AdminCommandsUse& use, const CommandContext& context) {
  const auto& expected = use.admin_key;
  if (expected.empty())
    return refusal(403, "this gateway has no admin key ([gateway] admin_key), so nobody is admin");
  auto& throttle = use.auth_throttle;
  const std::string host(context.session->host());  // failures count per host, not port
  const auto now = AuthThrottle::Clock::now();
  if (const auto wait = throttle.wait(host, now); wait > AuthThrottle::Clock::duration::zero()) {
    const auto seconds = std::ceil(std::chrono::duration<double>(wait).count());
    return refusal(429, "too many wrong admin keys from " + host + "; try again in " +
                            std::to_string(static_cast<long>(seconds)) + " s");
  }
  if (!same_key(trimmed_args(context.request.args), expected)) {
    throttle.failed(host, now);
    spdlog::warn("wrong admin key from {} (client {})", host, context.client->id());
    return refusal(403, "wrong admin key");
  }
  throttle.succeeded(host);
  use.hub.grant_admin(*context.client);
  spdlog::info("client {} ({}) is now admin", context.client->id(), host);
  return text_reply("you have admin permission", {{"permission", "admin"}});
}

std::optional<Message> kick(const AdminCommandsUse& use, const CommandContext& context) {
  const auto who =
      context.request.to.empty() ? trimmed_args(context.request.args) : context.request.to;
  if (who.empty()) return refusal(400, "kick needs a client id or name in args (or to)");
  const auto delivery = make_delivery(*use.codec.current(), kick_notice(use.server));
  const auto targets = use.hub.kick(who, delivery ? &*delivery : nullptr);
  for (const auto& target : targets)
    spdlog::info("client {} kicked {} ({})", context.client->id(), target->id(), target->name());
  if (!targets.empty()) return kicked_reply(targets);
  auto* cluster = use.hub.cluster();
  if (!cluster) return refusal(404, "no client with the id or name '" + who + "'");
  // Perhaps a client of another gateway of the cluster.
  cluster->kick_elsewhere(who, [respond = context.responder()](ClusterLink::Remote remote) {
    if (remote.code != 200) return respond(refusal(remote.code, remote.text));
    respond(text_reply(remote.text, std::move(remote.data)));
  });
  return std::nullopt;
}

// mute WHO / unmute WHO: a client of this gateway, by id or name.
std::optional<Message> set_muted(const AdminCommandsUse& use, const CommandContext& context,
                                 bool muted) {
  const auto verb = muted ? std::string("mute") : std::string("unmute");
  const auto who = target_of(context.request, &Message::to);
  if (who.empty()) return refusal(400, verb + " needs a client id or name in args (or to)");
  const auto target = use.hub.find(who);
  if (!target) return refusal(404, "no client with the id or name '" + who + "' here");
  target->set_muted(muted);
  spdlog::info("client {} {}d {} ({})", context.client->id(), verb, target->id(), target->name());
  return text_reply(verb + "d " + target->id() + " (" + target->name() + ")",
                    {{"id", target->id()}, {"name", target->name()}, {"muted", muted}});
}

std::optional<Message> mute(const AdminCommandsUse& use, const CommandContext& context) {
  return set_muted(use, context, true);
}

std::optional<Message> unmute(const AdminCommandsUse& use, const CommandContext& context) {
  return set_muted(use, context, false);
}

std::optional<Message> shutdown(const AdminCommandsUse& use, const CommandContext& context) {
  const auto& control = use.control;
  if (!control.shutdown) return refusal(403, "this gateway cannot be shut down by a client");
  spdlog::warn("client {} ({}) asked the gateway to shut down", context.client->id(),
               context.session->remote_address());
  // The reply is queued on the connection before the stop is asked for, so it is written
  // before the connection closes.
  context.responder()(text_reply("shutting down"));
  control.shutdown();
  return std::nullopt;
}

std::optional<Message> reload(const AdminCommandsUse& use, const CommandContext&) {
  const auto& control = use.control;
  if (!control.reload) return refusal(403, "this gateway has nothing to reload");
  try {
    return text_reply(control.reload());
  } catch (const DeviceFileError& error) {
    return refusal(400, std::string("reload refused, nothing was changed: ") + error.what());
  } catch (const std::exception& error) {
    return refusal(500, std::string("reload failed, the old settings stay: ") + error.what());
  }
}

// A plain file name, so that a backup lands in the backups directory and nowhere else.
bool is_backup_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == '_';
  });
}

std::string dated_backup_name() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> name{};
  std::strftime(name.data(), name.size(), "gw-%Y%m%dT%H%M%SZ.db", &utc);
  return name.data();
}

// Answered once the copy is complete; the gateway serves everyone meanwhile.
std::optional<Message> backup(const AdminCommandsUse& use, const CommandContext& context) {
  auto name = trimmed_args(context.request.args);
  if (name.empty()) name = dated_backup_name();
  if (!is_backup_name(name))
    return refusal(400,
                   "a backup's name is a file name of letters, digits, '.', '-' and '_' "
                   "(at most 100, not starting with '.'), such as before-upgrade.db");
  spdlog::info("client {} asked for a backup to {}", context.client->id(), name);
  use.hub.store().back_up(name, [respond = context.responder()](BackupResult result) {
    if (!result.made()) return respond(refusal(result.code, result.error));
    respond(text_reply("backed up to " + result.file + " (" + std::to_string(result.bytes) +
                           " bytes); start a gatewayd with it as [storage] file to restore",
                       {{"file", result.file}, {"bytes", result.bytes}}));
  });
  return std::nullopt;
}

}  // namespace

void add_admin_commands(CommandRegistry& registry, AdminCommandsUse use) {
  registry.add({.name = "auth",
                .description = "Gain admin permission: args is the admin key",
                .permission = Permission::everyone,
                .handler = handler_using(use, auth),
                .needs_session = true});
  registry.add({.name = "getrights",
                .description = "Same as auth (LocalThingsNetwork's s.getrights(KEY))",
                .permission = Permission::everyone,
                .handler = handler_using(use, auth),
                .needs_session = true});
  registry.add({.name = "mute",
                .description = "Refuse a client's chat, send and broadcast until unmuted: args is "
                               "its id or name",
                .permission = Permission::admin,
                .handler = handler_using(use, mute)});
  registry.add({.name = "unmute",
                .description = "Let a muted client chat again: args is its id or name",
                .permission = Permission::admin,
                .handler = handler_using(use, unmute)});
  registry.add({.name = "kick",
                .description = "Disconnect a client: args is its id or name",
                .permission = Permission::admin,
                .handler = handler_using(use, kick)});
  registry.add({.name = "shutdown",
                .description = "Stop the gateway cleanly",
                .permission = Permission::admin,
                .handler = handler_using(use, shutdown)});
  registry.add({.name = "backup",
                .description = "Copy the store, while the gateway goes on, to the data "
                               "directory's backups/: args is the file name (a dated one if none)",
                .permission = Permission::admin,
                .handler = handler_using(use, backup)});
  registry.add({.name = "reload",
                .description = "Reload the devices file, the keys and the lookup tables",
                .permission = Permission::admin,
                .handler = handler_using(use, reload),
                .blocking = true});
}

Message kick_notice(const ServerInfo& server) {
  Message notice;
  notice.cmd = "kick";
  notice.text = "disconnected by an admin";
  notice.user_id = server.name;
  notice.timestamp = iso8601_now();
  return notice;
}

Message kicked_reply(const std::vector<std::shared_ptr<Client>>& targets) {
  std::string kicked;
  for (const auto& target : targets)
    kicked += (kicked.empty() ? "" : ", ") + target->id() + " (" + target->name() + ")";
  const auto& last = *targets.back();
  return text_reply("kicked " + kicked,
                    {{"id", last.id()}, {"name", last.name()}, {"sessions", targets.size()}});
}

}  // namespace gw::gateway
