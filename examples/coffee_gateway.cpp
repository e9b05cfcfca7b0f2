// An operator's gateway: everything gatewayd does, plus a command and requestables of its own.
//
//   coffee_gateway --data-dir coffee-data        (every gatewayd option works)
//   then send: {"cmd": "brew", "args": "strong"}  -> after a second, "your strong coffee is ready"
//              {"cmd": "get", "args": "coffee"}    -> {"brewing": 0, "pots": 1}
//              {"cmd": "get", "args": "cleanings"} -> how often the machine cleaned itself, once
//                                                     a second (a periodic service)
#include <atomic>
#include <chrono>
#include <thread>

#include <gw/gatewayd/gatewayd.hpp>

namespace {

using gw::gateway::CommandContext;
using gw::message::Message;

std::atomic<int> brewing{0};
std::atomic<int> pots{0};
std::atomic<int> cleanings{0};

// Takes a second, as real hardware would. Marked blocking, so it runs on the worker pool and
// the network threads keep serving everyone else meanwhile.
std::optional<Message> brew(const CommandContext& context) {
  ++brewing;
  std::this_thread::sleep_for(std::chrono::seconds(1));
  --brewing;
  ++pots;
  const auto strength =
      context.request.args.empty() ? std::string("regular") : context.request.args;
  Message reply;
  reply.text = "your " + strength + " coffee is ready";
  reply.data = nlohmann::json{{"pots", pots.load()}};
  return reply;
}

}  // namespace

int main(int argc, char** argv) {
  return gw::gatewayd::run(argc, argv, [](gw::gateway::Gateway& gateway) {
    gateway.commands().add(
        {.name = "brew",
         .description = "Brew a pot of coffee (takes a second); args: the strength",
         .handler = brew,
         .blocking = true});
    gateway.requestables().add("coffee", "Pots brewed and brewing now", [] {
      return nlohmann::json{{"pots", pots.load()}, {"brewing", brewing.load()}};
    });
    gateway.requestables().add_value("location", "Where this gateway runs", "the kitchen");
    // A periodic service: on the worker pool every second; `get periodic` shows its runs.
    gateway.every("clean", std::chrono::seconds(1), [] { ++cleanings; });
    gateway.requestables().add("cleanings", "Times the machine cleaned itself",
                               [] { return nlohmann::json(cleanings.load()); });
  });
}
