#include "pending_replies.hpp"

#include <vector>

namespace gw::cluster {

std::uint64_t PendingReplies::add(Clock::duration timeout, OnAnswer on_answer,
                                  OnDeadline on_deadline) {
  auto request = std::make_shared<Request>();
  request->deadline = Clock::now() + timeout;
  request->on_answer = std::move(on_answer);
  request->on_deadline = std::move(on_deadline);
  std::lock_guard lock(mutex_);
  const auto sequence = next_++;
  requests_.emplace(sequence, std::move(request));
  return sequence;
}

void PendingReplies::end(Request& request) {
  std::lock_guard lock(request.mutex);
  if (request.ended) return;
  request.ended = true;
  request.on_deadline();
}

void PendingReplies::answer(std::uint64_t sequence, const NatsConnection::Incoming& incoming) {
  std::shared_ptr<Request> request;
  {
    std::lock_guard lock(mutex_);
    const auto found = requests_.find(sequence);
    if (found == requests_.end()) return;
    request = found->second;
  }
  {
    std::lock_guard lock(request->mutex);
    if (request->ended || !request->on_answer(incoming)) return;
    request->ended = true;
  }
  std::lock_guard lock(mutex_);
  requests_.erase(sequence);
}

void PendingReplies::abandon(std::uint64_t sequence) {
  std::shared_ptr<Request> request;
  {
    std::lock_guard lock(mutex_);
    const auto found = requests_.find(sequence);
    if (found == requests_.end()) return;
    request = std::move(found->second);
    requests_.erase(found);
  }
  end(*request);
}

void PendingReplies::expire(Clock::time_point now) {
  std::vector<std::shared_ptr<Request>> ended;
  {
    std::lock_guard lock(mutex_);
    for (auto it = requests_.begin(); it != requests_.end();) {
      if (it->second->deadline > now) {
        ++it;
        continue;
      }
      ended.push_back(std::move(it->second));
      it = requests_.erase(it);
    }
  }
  for (const auto& request : ended)
    end(*request);
}

void PendingReplies::abandon_all() {
  expire(Clock::time_point::max());
}

}  // namespace gw::cluster
