#include "mailbox_stream.hpp"

#include <cstring>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "sealed.hpp"
#include "subjects.hpp"

namespace gw::cluster {

namespace {

struct PubAck {
  jsPubAck* ack = nullptr;
  ~PubAck() { jsPubAck_Destroy(ack); }
};

struct Msg {
  natsMsg* msg = nullptr;
  ~Msg() { natsMsg_Destroy(msg); }
};

}  // namespace

MailboxStream::MailboxStream(NatsConnection& nats, JetStreamWriter& writer, std::string stream,
                             std::string subject_prefix, int replicas, CodecOf codec)
    : nats_(nats),
      writer_(writer),
      stream_(std::move(stream)),
      subject_prefix_(std::move(subject_prefix)),
      replicas_(replicas),
      codec_(std::move(codec)) {}

std::string MailboxStream::subject_of(const std::string& client_id) const {
  return subject_prefix_ + Subjects::escape(client_id);
}

bool MailboxStream::ready() {
  std::lock_guard lock(mutex_);
  if (ready_ || !nats_.connected()) return ready_;
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  const auto subjects = subject_prefix_ + ">";
  const char* subject_list[] = {subjects.c_str()};
  config.Name = stream_.c_str();
  config.Description = "gw: what waits in the mailboxes of HTTP and UDP clients";
  config.Subjects = subject_list;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  config.Replicas = replicas_;
  config.AllowDirect = true;  // read by subject without a consumer (no Fetch)
  jsStreamInfo* info = nullptr;
  jsErrCode code{};
  auto status = js_AddStream(&info, nats_.jetstream(), &config, nullptr, &code);
  jsStreamInfo_Destroy(info);
  if (status != NATS_OK) {  // made by another gateway already?
    info = nullptr;
    status = js_GetStreamInfo(&info, nats_.jetstream(), stream_.c_str(), nullptr, &code);
    jsStreamInfo_Destroy(info);
  }
  if (status != NATS_OK)
    spdlog::warn("cluster: the mailbox stream {} cannot be used: {}", stream_,
                 NatsConnection::describe(status));
  ready_ = status == NATS_OK;
  return ready_;
}

void MailboxStream::kept(const std::string& client_id, const gateway::Mailbox::Entry& entry) {
  auto json = nlohmann::json{
      {"seq", entry.seq}, {"bytes", entry.bytes}, {"message", entry.message->to_object()}};
  writer_.submit([this, client_id, seq = entry.seq, json = std::move(json)] {
    if (!ready()) return false;
    const auto sealed = seal(*codec_(), json.dump());
    PubAck published;
    const auto subject = subject_of(client_id);
    const auto status =
        js_Publish(&published.ack, nats_.jetstream(), subject.c_str(), sealed.data(),
                   static_cast<int>(sealed.size()), nullptr, nullptr);
    if (status != NATS_OK) return false;
    std::lock_guard lock(mutex_);
    kept_[client_id].emplace_back(seq, published.ack->Sequence);
    return true;
  });
}

void MailboxStream::forgotten_below(const std::string& client_id, std::uint64_t seq) {
  writer_.submit([this, client_id, seq] {
    std::uint64_t purge_below = 0;  // stream sequence; 0: all of the client's
    {
      std::lock_guard lock(mutex_);
      auto& kept = kept_[client_id];
      while (!kept.empty() && kept.front().first < seq)
        kept.pop_front();
      if (!kept.empty()) purge_below = kept.front().second;
      if (kept.empty()) kept_.erase(client_id);
    }
    if (!ready()) return false;
    const auto subject = subject_of(client_id);
    jsOptions options;
    jsOptions_Init(&options);
    options.Stream.Purge.Subject = subject.c_str();
    options.Stream.Purge.Sequence = purge_below;
    return js_PurgeStream(nats_.jetstream(), stream_.c_str(), &options, nullptr) == NATS_OK;
  });
}

void MailboxStream::forget(const std::string& client_id) {
  forgotten_below(client_id, UINT64_MAX);
}

gateway::Mailbox::Restored MailboxStream::restore(const std::string& client_id) {
  gateway::Mailbox::Restored restored;
  if (!ready()) return restored;
  const auto subject = subject_of(client_id);
  const auto codec = codec_();
  std::deque<std::pair<std::uint64_t, std::uint64_t>> sequences;
  for (std::uint64_t from = 1;;) {
    jsDirectGetMsgOptions get;
    jsDirectGetMsgOptions_Init(&get);
    get.Sequence = from;
    get.NextBySubject = subject.c_str();
    Msg found;
    if (js_DirectGetMsg(&found.msg, nats_.jetstream(), stream_.c_str(), nullptr, &get) != NATS_OK)
      break;  // no more (or JetStream away: what was read is what there is)
    const char* sequence_text = nullptr;
    if (natsMsgHeader_Get(found.msg, "Nats-Sequence", &sequence_text) != NATS_OK) break;
    const auto stream_seq = std::strtoull(sequence_text, nullptr, 10);
    from = stream_seq + 1;
    // Kept for as long as the session lasts: any age.
    const auto plaintext =
        unseal(*codec,
               std::string_view(natsMsg_GetData(found.msg),
                                static_cast<std::size_t>(natsMsg_GetDataLength(found.msg))),
               std::chrono::seconds(0));
    if (!plaintext) continue;
    const auto json = nlohmann::json::parse(*plaintext, nullptr, false);
    if (!json.is_object()) continue;
    auto message = message::Message::from_json(json.value("message", nlohmann::json()).dump());
    if (!message) continue;
    gateway::Mailbox::Entry entry;
    entry.seq = json.value("seq", std::uint64_t{0});
    entry.bytes = json.value("bytes", std::size_t{0});
    entry.message = std::make_shared<const message::Message>(std::move(*message));
    restored.next_seq = std::max(restored.next_seq, entry.seq + 1);
    sequences.emplace_back(entry.seq, stream_seq);
    restored.kept.push_back(std::move(entry));
  }
  std::lock_guard lock(mutex_);
  if (!sequences.empty()) kept_[client_id] = std::move(sequences);
  return restored;
}

}  // namespace gw::cluster
