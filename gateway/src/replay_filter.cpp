#include <functional>

#include <gw/gateway/replay_filter.hpp>
#include <gw/message/base64url.hpp>

namespace gw::gateway {

namespace {
// A Fernet token ends with its 32-byte HMAC: the last 43 base64url characters are all MAC, a
// fingerprint no other token shares.
constexpr std::size_t signature_chars = 43;

std::uint64_t fingerprint(std::string_view token) {
  token = message::base64url::trim_ascii_whitespace(token);
  while (!token.empty() && token.back() == '=')
    token.remove_suffix(1);
  if (token.size() > signature_chars) token.remove_prefix(token.size() - signature_chars);
  return std::hash<std::string_view>{}(token);
}
}  // namespace

bool ReplayFilter::first_sighting(std::string_view token, Clock::time_point now) {
  const auto key = fingerprint(token);
  std::lock_guard lock(mutex_);
  forget_old(now);
  if (!seen_.insert(key).second) return false;
  order_.emplace_back(key, now);
  if (order_.size() > capacity_) {
    seen_.erase(order_.front().first);
    order_.pop_front();
  }
  return true;
}

std::size_t ReplayFilter::size() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

void ReplayFilter::forget_old(Clock::time_point now) {
  while (!order_.empty() && now - order_.front().second >= window_) {
    seen_.erase(order_.front().first);
    order_.pop_front();
  }
}

}  // namespace gw::gateway
