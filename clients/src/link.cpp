#include "link.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <gw/client/client_error.hpp>

namespace gw::client {

namespace asio = boost::asio;

bool Link::write(Frame frame) {
  if (queued_bytes_ + frame->size() > max_queued_bytes) return false;
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(
        io_, [self = shared_from_this()] { return self->drain(); }, asio::detached);
  }
  return true;
}

asio::awaitable<void> Link::drain() {
  try {
    while (!queue_.empty()) {
      const auto frame = queue_.front();
      co_await write_one(*frame);
      queue_.pop_front();
      queued_bytes_ -= frame->size();
    }
  } catch (const std::exception&) {
    queue_.clear();
    queued_bytes_ = 0;
    close();
  }
  writing_ = false;
}

}  // namespace gw::client
