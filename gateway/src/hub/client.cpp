#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>
#include <utility>

#include <gw/gateway/client.hpp>
#include <gw/gateway/server_info.hpp>

namespace gw::gateway {

using DeliveryPath = transports::SessionTraits::DeliveryPath;

Client::Client(std::string id, const std::shared_ptr<transports::Session>& connection,
               std::unique_ptr<Mailbox> mailbox)
    : id_(std::move(id)),
      traits_(connection->traits()),
      connection_(connection),
      connection_id_(connection->id()),
      name_(id_),
      address_(connection->remote_address()),
      mailbox_(std::move(mailbox)) {}

Client::Client(std::string id, const std::shared_ptr<transports::Session>& first_request,
               std::string token, std::unique_ptr<Mailbox> mailbox)
    : id_(std::move(id)),
      traits_(first_request->traits()),
      token_(std::move(token)),
      name_(id_),
      address_(first_request->remote_address()),
      mailbox_(std::move(mailbox)) {
  if (traits_.delivery == DeliveryPath::latest_request) latest_request_ = first_request;
}

Client::Client(const SavedSession& saved, std::unique_ptr<Mailbox> mailbox,
               Clock::time_point last_seen)
    : id_(saved.id),
      traits_(transports::traits_of(saved.kind)),
      // A connection's session is kept only when resumable, and its token resumes it.
      token_(traits_.connection ? std::string() : saved.token),
      device_name_(saved.device),
      resume_token_(traits_.connection ? saved.token : std::string()),
      name_(saved.name),
      address_(saved.address),
      admin_(saved.admin),
      subscriptions_(saved.subscriptions),
      last_seen_(last_seen),
      mailbox_(std::move(mailbox)) {}

void Client::make_resumable(std::string resume_token, std::unique_ptr<Mailbox> mailbox) {
  std::lock_guard lock(mutex_);
  resume_token_ = std::move(resume_token);
  mailbox_ = std::move(mailbox);
}

bool Client::resumable() const {
  std::lock_guard lock(mutex_);
  return !resume_token_.empty();
}

std::string Client::end_resumable() {
  std::lock_guard lock(mutex_);
  return std::exchange(resume_token_, {});
}

std::string Client::resume_token() const {
  std::lock_guard lock(mutex_);
  return resume_token_;
}

bool Client::away() const {
  std::lock_guard lock(mutex_);
  return !resume_token_.empty() && connection_id_ == 0;
}

bool Client::detach(const transports::Session& from, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (connection_id_ != from.id()) return false;
  connection_.reset();
  connection_id_ = 0;
  last_seen_ = now;
  return true;
}

Client::Attached Client::attach(
    const std::shared_ptr<transports::Session>& connection,
    const std::function<transports::Frame(const message::Message&)>& encode) {
  Attached attached;
  // Under the lock, so that a delivery meanwhile waits and comes after what waited.
  std::lock_guard lock(mutex_);
  attached.previous = connection_.lock();
  auto waited = mailbox_->take(std::numeric_limits<std::size_t>::max());
  for (const auto& entry : waited.entries) {
    if (auto frame = encode(*entry.message)) {
      connection->send(std::move(frame));
      ++attached.sent;
    }
  }
  attached.lost = waited.lost;
  connection_ = connection;
  connection_id_ = connection->id();
  address_ = connection->remote_address();
  last_seen_ = Clock::now();
  return attached;
}

std::uint64_t Client::connection_id() const {
  std::lock_guard lock(mutex_);
  return connection_id_;
}

std::shared_ptr<const Identity> Client::identity() const {
  std::lock_guard lock(mutex_);
  return identity_;
}

void Client::set_identity(std::shared_ptr<const Identity> identity) {
  std::lock_guard lock(mutex_);
  device_name_ = identity && identity->device() ? identity->name : std::string();
  identity_ = std::move(identity);
}

std::shared_ptr<const Identity> Client::device_identity() const {
  // Copied only for a device: a fan-out to many shared-key clients then touches no count that
  // every network thread shares.
  return identity_ && identity_->key ? identity_ : nullptr;
}

std::string Client::device_name() const {
  std::lock_guard lock(mutex_);
  return device_name_;
}

std::string Client::name() const {
  std::lock_guard lock(mutex_);
  return name_;
}

void Client::set_name(std::string name) {
  std::lock_guard lock(mutex_);
  name_ = std::move(name);
}

std::string Client::address() const {
  std::lock_guard lock(mutex_);
  return address_;
}

bool Client::admin() const {
  std::lock_guard lock(mutex_);
  return admin_;
}

void Client::grant_admin() {
  std::lock_guard lock(mutex_);
  admin_ = true;
}

std::set<std::string> Client::subscriptions() const {
  std::lock_guard lock(mutex_);
  return subscriptions_;
}

bool Client::subscribed(const std::string& filter) const {
  std::lock_guard lock(mutex_);
  return subscriptions_.contains(filter);
}

std::size_t Client::subscription_count() const {
  std::lock_guard lock(mutex_);
  return subscriptions_.size();
}

bool Client::add_subscription(const std::string& filter) {
  std::lock_guard lock(mutex_);
  return subscriptions_.insert(filter).second;
}

bool Client::remove_subscription(const std::string& filter) {
  std::lock_guard lock(mutex_);
  return subscriptions_.erase(filter) > 0;
}

nlohmann::json Client::info() const {
  std::lock_guard lock(mutex_);
  nlohmann::json info = {{"id", id_},
                         {"name", name_},
                         {"transport", traits_.label()},
                         {"address", address_},
                         {"since", iso8601(since_)},
                         {"subscriptions", subscriptions_},
                         {"permission", admin_ ? "admin" : "user"}};
  if (!device_name_.empty()) info["device"] = true;
  if (!resume_token_.empty() && connection_id_ == 0) info["away"] = true;
  if (muted_) info["muted"] = true;
  info["messages_in"] = messages_in_;
  info["messages_out"] = messages_out_;
  info["idle_seconds"] =
      std::round(std::chrono::duration<double>(Clock::now() - last_in_).count() * 10) / 10;
  if (round_trip_)
    info["rtt_ms"] = std::round(static_cast<double>(round_trip_->count()) / 100) / 10;
  if (offers_)
    info["offers"] = {{"commands", offers_->commands}, {"requestables", offers_->requestables}};
  return info;
}

std::optional<std::chrono::microseconds> Client::round_trip() const {
  std::lock_guard lock(mutex_);
  return round_trip_;
}

void Client::set_round_trip(std::chrono::microseconds round_trip) {
  std::lock_guard lock(mutex_);
  round_trip_ = round_trip;
}

bool Client::muted() const {
  std::lock_guard lock(mutex_);
  return muted_;
}

void Client::set_muted(bool muted) {
  std::lock_guard lock(mutex_);
  muted_ = muted;
}

bool Client::Offers::answers(const std::string& cmd, std::string_view requestable) const {
  const auto has = [](const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  return has(commands, cmd) || (cmd == "get" && has(requestables, requestable));
}

std::optional<Client::Offers> Client::offers() const {
  std::lock_guard lock(mutex_);
  return offers_;
}

void Client::set_offers(Offers offers) {
  std::lock_guard lock(mutex_);
  offers_ = std::move(offers);
}

SavedSession Client::saved() const {
  std::lock_guard lock(mutex_);
  // A connected client is being heard from now, as far as its idle time goes.
  const auto idle_for = connection_id_ != 0 ? Clock::duration::zero() : Clock::now() - last_seen_;
  return {id_,
          token_.empty() ? resume_token_ : token_,
          name_,
          traits_.kind,
          address_,
          subscriptions_,
          admin_,
          std::chrono::system_clock::now() -
              std::chrono::duration_cast<std::chrono::system_clock::duration>(idle_for),
          device_name_};
}

bool Client::seen(Clock::time_point now, const std::shared_ptr<transports::Session>& request,
                  Clock::duration save_every) {
  std::lock_guard lock(mutex_);
  last_seen_ = now;
  // Only a session that can be written to later may become where deliveries go.
  if (traits_.delivery == DeliveryPath::latest_request &&
      request->traits().delivery == DeliveryPath::latest_request) {
    latest_request_ = request;
    address_ = request->remote_address();
  }
  if (now - seen_saved_ < save_every) return false;
  seen_saved_ = now;
  return true;
}

Client::Clock::time_point Client::last_seen() const {
  std::lock_guard lock(mutex_);
  return last_seen_;
}

namespace {
// Deliveries held while a subscriber catches up; the copies past it are dropped.
constexpr std::size_t max_held = 10000;

// The delivery as `device` reads it (under its own key), or as the shared key's holders do.
transports::Frame frame_of(const Delivery& delivery, const Identity* device) {
  return device ? delivery.frame_for(*device->key) : delivery.frame();
}
}  // namespace

Client::Delivered Client::deliver(const Delivery& delivery) {
  std::unique_lock lock(mutex_);
  if (holds_ > 0) {
    if (held_.size() >= max_held) return {false, 1};
    held_.push_back(delivery);
    return {};
  }
  return deliver_now(lock, delivery);
}

void Client::hold_deliveries() {
  std::lock_guard lock(mutex_);
  ++holds_;
}

void Client::release_deliveries(const std::vector<Delivery>& missed) {
  std::unordered_set<std::uint64_t> offsets;
  for (const auto& delivery : missed) {
    if (delivery.message()->offset != 0) offsets.insert(delivery.message()->offset);
    std::unique_lock lock(mutex_);
    deliver_now(lock, delivery);
  }
  // What came meanwhile, in order; more may come while it is delivered.
  std::unique_lock lock(mutex_);
  while (!held_.empty() && holds_ == 1) {
    auto held = std::exchange(held_, {});
    lock.unlock();
    for (const auto& delivery : held) {
      if (offsets.contains(delivery.message()->offset)) continue;
      std::unique_lock again(mutex_);
      deliver_now(again, delivery);
    }
    lock.lock();
  }
  --holds_;
}

Client::Delivered Client::deliver_now(std::unique_lock<std::mutex>& lock,
                                      const Delivery& delivery) {
  ++messages_out_;
  if (traits_.delivery == DeliveryPath::connection) {
    auto connection = connection_.lock();
    if (connection || resume_token_.empty()) {
      const auto device = device_identity();
      lock.unlock();
      if (!connection) return {};
      const auto& as_published = delivery.as_published();
      connection->send(frame_of(
          traits_.retain_as_published && as_published ? *as_published : delivery, device.get()));
      return {};
    }
    // Away: it waits in the mailbox for the client to resume.
    const auto pushed = mailbox_->push(delivery);
    return {pushed.kept, pushed.dropped};
  }
  if (traits_.delivery == DeliveryPath::latest_request) {
    auto peer = latest_request_;
    const auto device = device_identity();
    lock.unlock();
    if (peer) peer->send(frame_of(delivery, device.get()));
    return {};
  }
  const auto pushed = mailbox_->push(delivery);
  const Delivered delivered{pushed.kept, pushed.dropped};
  if (!waiter_) return delivered;
  auto waiter = std::move(*waiter_);
  waiter_.reset();
  auto drained = take_for(waiter);
  lock.unlock();
  waiter.complete(std::move(drained));  // outside the lock: it encodes and writes the reply
  return delivered;
}

Mailbox::Drained Client::take_for(const PollWaiter& waiter) {
  return waiter.keep ? mailbox_->peek(0, waiter.byte_budget) : mailbox_->take(waiter.byte_budget);
}

std::optional<Mailbox::Drained> Client::poll(std::size_t byte_budget,
                                             std::optional<std::uint64_t> acknowledged,
                                             std::optional<PollWaiter> waiter) {
  std::unique_lock lock(mutex_);
  if (acknowledged) mailbox_->acknowledge(*acknowledged);
  if (!mailbox_->empty() || !waiter)
    return acknowledged ? mailbox_->peek(0, byte_budget) : mailbox_->take(byte_budget);
  auto previous = std::move(waiter_);
  waiter_ = std::move(waiter);
  lock.unlock();
  if (previous) previous->complete(Mailbox::Drained{});
  return std::nullopt;
}

std::uint64_t Client::last_seq() const {
  std::lock_guard lock(mutex_);
  return mailbox_->next_seq() - 1;
}

void Client::end_poll(Clock::time_point now, bool all) {
  std::unique_lock lock(mutex_);
  if (!waiter_ || (!all && waiter_->deadline > now)) return;
  auto waiter = std::move(*waiter_);
  waiter_.reset();
  auto drained = take_for(waiter);
  lock.unlock();
  waiter.complete(std::move(drained));
}

void Client::close() {
  end_poll(Clock::now(), true);
  std::unique_lock lock(mutex_);
  auto connection = connection_.lock();
  lock.unlock();
  if (connection) connection->close();
}

bool Client::take_message_token(const Rate& rate, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++messages_in_;
  last_in_ = now;
  return messages_.take(rate, now);
}

bool Client::take_refusal_token(const Rate& rate, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return refusals_.take(rate, now);
}

bool Client::due_refusal_notice(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now - last_refusal_notice_ < std::chrono::milliseconds(100)) return false;
  last_refusal_notice_ = now;
  return true;
}

}  // namespace gw::gateway
