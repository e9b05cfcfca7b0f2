#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace gw::gateway {

// One [[history]] entry of the configuration: the topics `filter` matches keep their last
// `messages` publications, each for at most `seconds`, so that a subscriber can ask for what
// it missed (`subscribe` with since) and anyone for the last few (`history`).
struct HistorySpec {
  std::string filter;
  std::size_t messages = 100;
  std::chrono::seconds seconds{3600};
};

}  // namespace gw::gateway
