#include <vector>

#include <gw/gateway/hub.hpp>

namespace gw::gateway {

void Hub::add(const std::shared_ptr<transports::Session>& session) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(session->id(), session);
}

void Hub::remove(const transports::Session& session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session.id());
}

std::size_t Hub::count(transports::TransportKind kind) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, weak] : sessions_)
    if (auto session = weak.lock(); session && session->kind() == kind) ++n;
  return n;
}

std::size_t Hub::send_to_all(transports::TransportKind kind, const transports::Frame& frame) const {
  // Collected under the lock, sent after it: send() may run the session's code inline.
  std::vector<std::shared_ptr<transports::Session>> recipients;
  {
    std::lock_guard lock(mutex_);
    recipients.reserve(sessions_.size());
    for (const auto& [id, weak] : sessions_)
      if (auto session = weak.lock(); session && session->kind() == kind)
        recipients.push_back(std::move(session));
  }
  for (const auto& session : recipients)
    session->send(frame);
  return recipients.size();
}

std::string client_id(const transports::Session& session) {
  return "c" + std::to_string(session.id());
}

}  // namespace gw::gateway
