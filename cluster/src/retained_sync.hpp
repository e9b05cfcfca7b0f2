#pragma once

#include <functional>
#include <memory>
#include <string>

#include <gw/message/codec.hpp>
#include <gw/message/message.hpp>

#include "jetstream_writer.hpp"
#include "key_value_bucket.hpp"
#include "nats_connection.hpp"

namespace gw::gateway {
class Hub;
}

namespace gw::cluster {

// Retained messages the same on every gateway of the cluster: a change is told to the others
// at once (subject gw.CLUSTER.retained, sealed) and kept in a JetStream key-value bucket (key:
// the topic in base64url), from which a gateway that joins takes the current ones. When two
// gateways retain on one topic at the same moment, each keeps the one it heard last.
class RetainedSync {
 public:
  using CodecOf = std::function<std::shared_ptr<const message::Codec>()>;
  RetainedSync(NatsConnection& nats, JetStreamWriter& writer, std::string bucket,
               std::string subject, int replicas, CodecOf codec);

  // A change made here (null: cleared).
  void changed(const std::string& topic, const message::Message* message);
  // Applies the other gateways' changes to `hub` from now on.
  void follow(gateway::Hub& hub);
  // Takes the retained messages the bucket holds into `hub` (waits for JetStream).
  void load(gateway::Hub& hub);

 private:
  void apply(gateway::Hub& hub, std::string_view plaintext);

  NatsConnection& nats_;
  JetStreamWriter& writer_;
  KeyValueBucket bucket_;
  const std::string subject_;
  const CodecOf codec_;
};

}  // namespace gw::cluster
