#include "topic_history.hpp"

#include <algorithm>
#include <iterator>

#include <gw/gateway/server_info.hpp>
#include <gw/gateway/topic.hpp>

namespace gw::gateway {

TopicHistory::TopicHistory(std::vector<HistorySpec> specs, std::size_t max_topics, Store& store,
                           WallClock::time_point now)
    : specs_(std::move(specs)),
      max_topics_(max_topics),
      store_(store),
      epoch_(store.epoch()),
      kept_from_(now) {
  restore(now);
}

void TopicHistory::restore(WallClock::time_point now) {
  std::uint64_t newest = 0;
  for (auto& trim : store_.history_trims()) {
    newest = std::max(newest, trim.offset);
    kept_from_ = std::min(kept_from_, trim.time);
    if (trim.topic.empty()) {
      lose({trim.offset, trim.time});
      continue;
    }
    const auto* spec = spec_for(trim.topic);
    if (!spec) continue;
    topics_[trim.topic] = Topic{spec, {}, {trim.offset, trim.time}};
  }
  for (auto& kept : store_.history_entries()) {
    newest = std::max(newest, kept.offset);
    kept_from_ = std::min(kept_from_, kept.time);
    const auto* spec = spec_for(kept.topic);
    if (!spec) {  // no longer kept: gone, as a trim would have it
      store_.trim_history({kept.topic, kept.offset, kept.time});
      continue;
    }
    auto [found, added] = topics_.try_emplace(kept.topic, Topic{spec, {}, {}});
    if (added && topics_.size() > max_topics_) {
      topics_.erase(found);
      lose({kept.offset, kept.time});
      store_.trim_history({kept.topic, kept.offset, kept.time});
      continue;
    }
    kept.message.offset = kept.offset;
    found->second.entries.push_back(
        {kept.offset, kept.time,
         std::make_shared<const message::Message>(std::move(kept.message))});
  }
  next_offset_ = newest + 1;
  // The bounds may have shrunk since the history was written.
  for (auto& [name, topic] : topics_) {
    const auto max = topic.spec->messages;
    trim(name, topic, [&](const Entry&) { return topic.entries.size() > max; });
  }
  expire(now);
}

const HistorySpec* TopicHistory::spec_for(std::string_view topic) const {
  for (const auto& spec : specs_)
    if (topic::matches(spec.filter, topic)) return &spec;
  return nullptr;
}

bool TopicHistory::keeps(std::string_view topic) const {
  return spec_for(topic) != nullptr;
}

std::uint64_t TopicHistory::next_offset() {
  std::lock_guard lock(mutex_);
  return next_offset_++;
}

bool TopicHistory::keep(const std::string& topic, Kept message, WallClock::time_point now) {
  const auto* spec = spec_for(topic);
  if (!spec) return false;
  const auto offset = message->offset;
  std::lock_guard lock(mutex_);
  auto found = topics_.find(topic);
  if (found == topics_.end()) {
    if (topics_.size() >= max_topics_ && !evict_empty_topic()) {
      lose({offset, now});
      store_.trim_history({"", offset, now});
      return false;
    }
    found = topics_.emplace(topic, Topic{spec, {}, {}}).first;
  }
  store_.keep_history({topic, offset, now, *message});
  auto& kept = found->second;
  // Two publishers of one topic may keep in the other order than they took their offsets.
  auto place = kept.entries.end();
  while (place != kept.entries.begin() && std::prev(place)->offset > offset)
    --place;
  kept.entries.insert(place, {offset, now, std::move(message)});
  trim(topic, kept, [&](const Entry&) { return kept.entries.size() > spec->messages; });
  return true;
}

template <typename Drop>
void TopicHistory::trim(const std::string& name, Topic& topic, Drop drop) {
  bool trimmed = false;
  while (!topic.entries.empty() && drop(topic.entries.front())) {
    topic.trimmed = {topic.entries.front().offset, topic.entries.front().time};
    topic.entries.pop_front();
    trimmed = true;
  }
  if (trimmed) store_.trim_history({name, topic.trimmed.offset, topic.trimmed.time});
}

bool TopicHistory::evict_empty_topic() {
  const auto empty = std::find_if(topics_.begin(), topics_.end(),
                                  [](const auto& topic) { return topic.second.entries.empty(); });
  if (empty == topics_.end()) return false;
  lose(empty->second.trimmed);
  store_.trim_history({"", lost_.offset, lost_.time});
  topics_.erase(empty);
  return true;
}

void TopicHistory::lose(const Trim& trim) {
  lost_.offset = std::max(lost_.offset, trim.offset);
  lost_.time = std::max(lost_.time, trim.time);
}

TopicHistory::Missed TopicHistory::since(std::string_view filter, const Since& since,
                                         std::size_t max_messages) const {
  Missed missed;
  const bool by_time = since.time.has_value();
  if (!by_time && since.epoch != epoch_) {
    missed.why = "offsets of epoch " + since.epoch + " are not this history's (epoch " + epoch_ +
                 "): the history they belong to was lost";
    return missed;
  }
  // Whether something published after `since` is gone (`at` being what was last trimmed).
  const auto lost_after = [&](const Trim& at) {
    return by_time ? at.offset != 0 && at.time >= *since.time : at.offset > since.offset;
  };
  const auto after = [&](const Entry& entry) {
    return by_time ? entry.time > *since.time : entry.offset > since.offset;
  };
  if (!covers(filter))
    missed.why = "no [[history]] filter keeps every topic of " + std::string(filter);
  std::lock_guard lock(mutex_);
  if (missed.why.empty() && by_time && *since.time < kept_from_)
    missed.why = "history is kept from " + iso8601(kept_from_) + " only";
  if (missed.why.empty() && lost_after(lost_))
    missed.why =
        "some publications since then were not kept (more topics than "
        "sessions.max_history_topics)";
  std::vector<Entry> found;
  for (const auto& [name, topic] : topics_) {
    if (!topic::matches(filter, name)) continue;
    if (missed.why.empty() && lost_after(topic.trimmed))
      missed.why = "the history of " + name + " no longer goes back that far";
    for (auto entry = topic.entries.rbegin(); entry != topic.entries.rend() && after(*entry);
         ++entry)
      found.push_back(*entry);
  }
  std::sort(found.begin(), found.end(),
            [](const Entry& a, const Entry& b) { return a.offset < b.offset; });
  if (found.size() > max_messages) {
    found.erase(found.begin(), found.end() - static_cast<std::ptrdiff_t>(max_messages));
    if (missed.why.empty())
      missed.why = "more than " + std::to_string(max_messages) + " were missed; the newest sent";
  }
  for (auto& entry : found)
    missed.messages.push_back(std::move(entry.message));
  missed.recovered = missed.why.empty();
  return missed;
}

std::vector<TopicHistory::Kept> TopicHistory::last(std::string_view filter,
                                                   std::size_t count) const {
  std::vector<Entry> found;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, topic] : topics_) {
      if (!topic::matches(filter, name)) continue;
      const auto take = std::min(count, topic.entries.size());
      found.insert(found.end(), topic.entries.end() - static_cast<std::ptrdiff_t>(take),
                   topic.entries.end());
    }
  }
  std::sort(found.begin(), found.end(),
            [](const Entry& a, const Entry& b) { return a.offset < b.offset; });
  if (found.size() > count)
    found.erase(found.begin(), found.end() - static_cast<std::ptrdiff_t>(count));
  std::vector<Kept> messages;
  for (auto& entry : found)
    messages.push_back(std::move(entry.message));
  return messages;
}

void TopicHistory::expire(WallClock::time_point now) {
  std::lock_guard lock(mutex_);
  for (auto& [name, topic] : topics_) {
    const auto oldest = now - topic.spec->seconds;
    trim(name, topic, [&](const Entry& entry) { return entry.time < oldest; });
  }
}

std::uint64_t TopicHistory::newest_offset() const {
  std::lock_guard lock(mutex_);
  return next_offset_ - 1;
}

bool TopicHistory::covers(std::string_view filter) const {
  return std::any_of(specs_.begin(), specs_.end(),
                     [&](const HistorySpec& spec) { return topic::covers(spec.filter, filter); });
}

std::size_t TopicHistory::topic_count() const {
  std::lock_guard lock(mutex_);
  return topics_.size();
}

}  // namespace gw::gateway
