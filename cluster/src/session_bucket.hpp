#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <gw/gateway/store.hpp>
#include <gw/message/codec.hpp>

#include "jetstream_writer.hpp"
#include "key_value_bucket.hpp"

namespace gw::cluster {

// The HTTP and UDP sessions (and resumable connections away) of every gateway, in a JetStream
// key-value bucket: the key is a digest of the session's token (the token itself never leaves
// the sealed value), the value the session sealed under the shared key, with its gateway. A
// gateway that restarts gets its own back; another takes over one whose gateway is gone when
// its client comes with the token. Writes go through the writer's thread. Thread-safe.
class SessionBucket {
 public:
  using CodecOf = std::function<std::shared_ptr<const message::Codec>()>;
  SessionBucket(NatsConnection& nats, JetStreamWriter& writer, std::string bucket, int replicas,
                std::string node, CodecOf codec);

  void save(const gateway::SavedSession& session);
  void forget(const std::string& client_id);
  // The sessions this gateway held when it stopped (read now: waits for JetStream).
  std::vector<gateway::SavedSession> of_this_gateway();

  // The session of `token`, taken over for this gateway when its own is gone (`alive` says
  // whether a gateway is): compare and set, so that of two gateways only one gets it.
  struct TakeOver {
    std::optional<gateway::SavedSession> session;
    std::string held_by;  // when refused: the live gateway that holds it
  };
  TakeOver take_over(const std::string& token,
                     const std::function<bool(const std::string& node)>& alive);

 private:
  std::string record(const gateway::SavedSession& session) const;
  std::optional<std::pair<gateway::SavedSession, std::string>> read(std::string_view sealed) const;

  KeyValueBucket bucket_;
  JetStreamWriter& writer_;
  const std::string node_;
  const CodecOf codec_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> keys_;  // client id -> its key
};

// The bucket key of a session token: its SHA-256 in base64url.
std::string session_key(const std::string& token);

}  // namespace gw::cluster
