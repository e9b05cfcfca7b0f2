#include <chrono>

#include <gw/message/unix_time.hpp>

namespace gw::message {

UnixSeconds unix_now() noexcept {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace gw::message
