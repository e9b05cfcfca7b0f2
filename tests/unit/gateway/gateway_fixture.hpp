#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/gateway.hpp>
#include <gw/message/fernet.hpp>

namespace gw::test {

// A client as the dispatcher sees one: what it was sent, with the status of each reply.
// Frames may come from the worker pool's threads, hence the lock.
class RecordingSession final : public transports::Session {
 public:
  explicit RecordingSession(transports::TransportKind kind, std::string address = "192.0.2.7:4000")
      : Session(kind, std::move(address)) {}
  // A session of a transport gw does not have, described by its traits alone.
  explicit RecordingSession(const transports::SessionTraits& traits,
                            std::string address = "192.0.2.7:4000")
      : Session(traits, std::move(address)) {}
  void send(transports::Frame frame) override { reply(std::move(frame), 0); }
  void reply(transports::Frame frame, int status) override {
    {
      std::lock_guard lock(mutex_);
      frames_.push_back(*frame);
      statuses_.push_back(status);
    }
    arrived_.notify_all();
  }
  void close() override { closed_ = true; }

  std::vector<std::string> frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  std::vector<int> statuses() const {
    std::lock_guard lock(mutex_);
    return statuses_;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return frames_.size();
  }
  bool closed() const { return closed_; }
  // Waits (at most five seconds) until `n` frames have come; returns whether they did.
  bool wait_for(std::size_t n) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, std::chrono::seconds(5), [&] { return frames_.size() >= n; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<std::string> frames_;
  std::vector<int> statuses_;
  std::atomic<bool> closed_{false};
};

inline gateway::ServerInfo test_server_info() {
  gateway::ServerInfo info;
  info.name = "hub";
  info.id = "0123456789abcdef";
  info.version = "9.9.9";
  return info;
}

inline constexpr const char* test_admin_key = "correct horse battery staple";

inline gateway::GatewaySettings test_settings() {
  gateway::GatewaySettings settings;
  settings.admin_key = test_admin_key;
  settings.sessions.mailbox_messages = 4;
  return settings;
}

// A gateway without sockets, and the means to talk to it as a client would.
struct GatewayFixture {
  GatewayFixture() : GatewayFixture(std::make_shared<gateway::MemoryStore>()) {}
  // A gateway that keeps its clients' mailboxes in `store`.
  explicit GatewayFixture(std::shared_ptr<gateway::Store> store)
      : gateway{test_server_info(), codec, test_settings(), std::move(store)} {}

  message::Codec codec{message::KeyRing({message::Fernet::generate()})};
  gateway::Gateway gateway;
  transports::Handler& handler = gateway.handler();

  std::string token(const message::Message& m) { return *codec.encode(m); }
  message::Message decoded(const std::string& frame) { return *codec.decode(frame); }
  message::Message last(const std::shared_ptr<RecordingSession>& session) {
    const auto frames = session->frames();
    REQUIRE_FALSE(frames.empty());
    return decoded(frames.back());
  }

  // Sends `m` and returns the reply, waiting for it if the command runs on the worker pool.
  message::Message request(const std::shared_ptr<RecordingSession>& session,
                           const message::Message& m) {
    const auto before = session->count();
    handler.on_frame(session, token(m));
    REQUIRE(session->wait_for(before + 1));
    return last(session);
  }

  // A WebSocket or TCP client, connected (the welcome read).
  std::shared_ptr<RecordingSession> connect(transports::TransportKind kind) {
    auto session = std::make_shared<RecordingSession>(kind);
    handler.on_open(session);
    return session;
  }
};

inline message::Message command(std::string cmd, std::string args = "", std::string id = "") {
  message::Message m;
  m.user_id = "tester";
  m.cmd = std::move(cmd);
  m.args = std::move(args);
  m.id = std::move(id);
  return m;
}

// `cmd` addressed to a client (`to`, an id or name) or to a `topic`, with `text`.
inline message::Message addressed(std::string cmd, std::string to, std::string topic,
                                  std::string text) {
  auto m = command(std::move(cmd));
  m.to = std::move(to);
  m.topic = std::move(topic);
  m.text = std::move(text);
  return m;
}

}  // namespace gw::test
