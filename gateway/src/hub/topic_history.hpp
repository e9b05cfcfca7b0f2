#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gw/gateway/history_spec.hpp>
#include <gw/gateway/store.hpp>
#include <gw/message/message.hpp>

namespace gw::gateway {

// The last publications of the topics [[history]] keeps, for `history` and for a subscriber
// that asks for what it missed since an offset or a time. Offsets run over every topic, so
// that a wildcard subscriber resumes from one number; a topic's trim (the newest offset it no
// longer holds) tells a gap that history can fill from one it cannot. Kept in the store too.
// Bounded in topics, and each topic by its spec. Thread-safe.
class TopicHistory {
 public:
  using WallClock = std::chrono::system_clock;
  using Kept = std::shared_ptr<const message::Message>;  // its offset set

  // What the store kept from before is restored, less what `specs` no longer keep.
  TopicHistory(std::vector<HistorySpec> specs, std::size_t max_topics, Store& store,
               WallClock::time_point now = WallClock::now());

  // Whether publications to `topic` are kept.
  bool keeps(std::string_view topic) const;
  // The offset for a publication about to be kept; one that is not kept leaves a gap, which
  // is harmless.
  std::uint64_t next_offset();
  // Keeps `message` (its offset from next_offset) as the topic's newest; false when the topic
  // bound is reached (then a later `since` over it cannot be recovered).
  bool keep(const std::string& topic, Kept message, WallClock::time_point now);

  // Where a subscriber left off: an offset of this history's epoch, or a time.
  struct Since {
    std::string epoch;
    std::uint64_t offset = 0;
    std::optional<WallClock::time_point> time;
  };
  struct Missed {
    std::vector<Kept> messages;  // by offset
    bool recovered = false;      // everything published since is in `messages`
    std::string why;             // when not recovered
  };
  // What topics `filter` matches kept after `since`, at most `max_messages` of them.
  Missed since(std::string_view filter, const Since& since, std::size_t max_messages) const;
  // The last `count` publications of the topics `filter` matches, by offset.
  std::vector<Kept> last(std::string_view filter, std::size_t count) const;
  // Forgets what is older than its spec's seconds.
  void expire(WallClock::time_point now);

  const std::string& epoch() const noexcept { return epoch_; }
  // The newest offset given out (0: none yet).
  std::uint64_t newest_offset() const;
  // Whether some [[history]] filter keeps every topic `filter` matches.
  bool covers(std::string_view filter) const;
  std::size_t topic_count() const;

 private:
  struct Entry {
    std::uint64_t offset;
    WallClock::time_point time;
    Kept message;
  };
  struct Trim {
    std::uint64_t offset = 0;
    WallClock::time_point time{};
  };
  struct Topic {
    const HistorySpec* spec;
    std::deque<Entry> entries;
    Trim trimmed;
  };
  const HistorySpec* spec_for(std::string_view topic) const;
  void restore(WallClock::time_point now);
  // Drops the topic's oldest entries while `drop` says so, as one trim (in the store too).
  template <typename Drop>
  void trim(const std::string& name, Topic& topic, Drop drop);
  // Makes room for a new topic by folding one with nothing kept into `lost_`; false if none.
  bool evict_empty_topic();
  void lose(const Trim& trim);  // under mutex_

  const std::vector<HistorySpec> specs_;
  const std::size_t max_topics_;
  Store& store_;
  const std::string epoch_;
  mutable std::mutex mutex_;
  std::map<std::string, Topic, std::less<>> topics_;
  // Publications kept by no topic (too many topics, or a topic evicted): a since before it
  // cannot be recovered, whatever its filter.
  Trim lost_;
  // Times before this may not have been kept (history began then, in this run or the store).
  WallClock::time_point kept_from_;
  std::uint64_t next_offset_ = 1;
};

}  // namespace gw::gateway
