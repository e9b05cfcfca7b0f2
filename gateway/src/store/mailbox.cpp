#include <gw/gateway/mailbox.hpp>

namespace gw::gateway {

Mailbox::Mailbox(const SessionLimits& limits, std::string client_id,
                 std::shared_ptr<MailboxJournal> journal, Restored restored)
    : max_messages_(limits.mailbox_messages),
      max_bytes_(limits.mailbox_bytes),
      max_message_bytes_(limits.poll_reply_bytes),
      client_id_(std::move(client_id)),
      journal_(std::move(journal)),
      lost_(restored.lost),
      next_seq_(restored.next_seq) {
  for (auto& entry : restored.kept) {
    bytes_ += entry.bytes;
    if (entry.seq >= next_seq_) next_seq_ = entry.seq + 1;
    queue_.push_back(std::move(entry));
  }
  // Bounds may have shrunk since the store kept these.
  const auto before = queue_.size();
  while (!queue_.empty() && (queue_.size() > max_messages_ || bytes_ > max_bytes_))
    pop_front();
  if (before != queue_.size()) {
    forget_below_front();
    count_lost(before - queue_.size());
  }
}

Mailbox::Mailbox(const SessionLimits& limits, std::string client_id,
                 std::shared_ptr<MailboxJournal> journal)
    : Mailbox(limits, std::move(client_id), std::move(journal), Restored{}) {}

Mailbox::Pushed Mailbox::push(const Delivery& delivery) {
  const auto size = delivery.token_size();
  const auto seq = next_seq_++;
  if (size > max_bytes_ || size > max_message_bytes_ || max_messages_ == 0) {
    count_lost(1);
    return {1, false};
  }
  std::size_t dropped = 0;
  while (!queue_.empty() && (queue_.size() >= max_messages_ || bytes_ + size > max_bytes_)) {
    pop_front();
    ++dropped;
  }
  bytes_ += size;
  queue_.push_back({seq, delivery.message(), size});
  if (dropped > 0) {
    forget_below_front();
    count_lost(dropped);
  }
  if (journal_) journal_->kept(client_id_, queue_.back());
  return {dropped, true};
}

Mailbox::Drained Mailbox::take(std::size_t byte_budget) {
  return oldest(byte_budget, true);
}

Mailbox::Drained Mailbox::peek(std::uint64_t acknowledged, std::size_t byte_budget) {
  acknowledge(acknowledged);
  return oldest(byte_budget, false);
}

std::size_t Mailbox::acknowledge(std::uint64_t acknowledged) {
  std::size_t forgotten = 0;
  while (!queue_.empty() && queue_.front().seq <= acknowledged) {
    pop_front();
    ++forgotten;
  }
  if (forgotten > 0) forget_below_front();
  return forgotten;
}

Mailbox::Drained Mailbox::oldest(std::size_t byte_budget, bool remove) {
  Drained drained;
  std::size_t taken_bytes = 0;
  std::size_t index = 0;
  while (index < queue_.size()) {
    const auto& entry = queue_[index];
    if (!drained.entries.empty() && taken_bytes + entry.bytes > byte_budget) break;
    taken_bytes += entry.bytes;
    drained.entries.push_back(entry);
    ++index;
  }
  if (remove) {
    for (std::size_t i = 0; i < index; ++i)
      pop_front();
    if (index > 0) forget_below_front();
  }
  drained.lost = lost_;
  drained.left = queue_.size() - (remove ? 0 : index);
  if (lost_ != 0 && journal_) journal_->unreported_losses(client_id_, 0);
  lost_ = 0;
  return drained;
}

void Mailbox::pop_front() {
  bytes_ -= queue_.front().bytes;
  queue_.pop_front();
}

void Mailbox::count_lost(std::uint64_t count) {
  lost_ += count;
  if (journal_) journal_->unreported_losses(client_id_, lost_);
}

void Mailbox::forget_below_front() {
  if (journal_)
    journal_->forgotten_below(client_id_, queue_.empty() ? next_seq_ : queue_.front().seq);
}

}  // namespace gw::gateway
