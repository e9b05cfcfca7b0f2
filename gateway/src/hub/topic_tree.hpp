#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace gw::gateway {

// Topic filters and who holds them, as a tree of levels (as NATS's sublist and mosquitto's
// subscription tree are): finding a topic's subscribers walks the topic's levels, following the
// level's own child, the '+' child and the '#' child at each step, so its cost grows with the
// topic's depth and the matching filters, not with the filters held in all. Matches exactly as
// topic::matches does, '$' topics and "a/#" matching "a" included. Not thread-safe.
template <typename Subscriber>
class TopicTree {
 public:
  using Pointer = std::shared_ptr<Subscriber>;

  // False when `subscriber` already holds `filter` (a valid filter).
  bool insert(std::string_view filter, const Pointer& subscriber) {
    Node* node = &root_;
    for_each_level(filter, [&](std::string_view level) { node = &node->child(level); });
    return node->subscribers.emplace(subscriber.get(), subscriber).second;
  }

  // False when `subscriber` did not hold `filter`. Nodes left empty are removed.
  bool erase(std::string_view filter, const Subscriber& subscriber) {
    std::vector<std::pair<Node*, std::string_view>> path;  // each parent and the level below it
    Node* node = &root_;
    bool found = true;
    for_each_level(filter, [&](std::string_view level) {
      if (!found) return;
      Node* next = node->find(level);
      if (next == nullptr) {
        found = false;
        return;
      }
      path.emplace_back(node, level);
      node = next;
    });
    if (!found || node->subscribers.erase(&subscriber) == 0) return false;
    for (auto step = path.rbegin(); step != path.rend() && node->empty(); ++step) {
      step->first->remove(step->second);
      node = step->first;
    }
    return true;
  }

  // Appends each subscriber one of whose filters matches `topic` (a valid name), once.
  void collect(std::string_view topic, std::vector<Pointer>& out) const {
    const auto first = out.size();
    std::size_t matched_nodes = 0;
    const auto take = [&](const Node* node) {
      if (node == nullptr || node->subscribers.empty()) return;
      ++matched_nodes;
      for (const auto& [key, subscriber] : node->subscribers)
        out.push_back(subscriber);
    };
    // MQTT: a filter that starts with a wildcard does not match a topic that starts with '$'.
    const bool system_topic = topic.starts_with('$');
    walk(root_, topic, !system_topic, take);
    if (matched_nodes > 1) {  // a subscriber with several matching filters is told once
      std::unordered_set<const Subscriber*> seen;
      const auto duplicate = [&](const Pointer& s) { return !seen.insert(s.get()).second; };
      out.erase(
          std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), duplicate),
          out.end());
    }
  }

  // Each filter held, with how many subscribers hold it, sorted by filter.
  std::map<std::string, std::size_t> filters() const {
    std::map<std::string, std::size_t> out;
    list(root_, "", out);
    return out;
  }
  std::size_t filter_count() const { return filters().size(); }
  // Levels held below the root: what erase's pruning keeps in step with the filters.
  std::size_t node_count() const { return root_.count_below(); }

 private:
  struct LevelHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view level) const noexcept {
      return std::hash<std::string_view>{}(level);
    }
  };

  struct Node {
    std::unordered_map<std::string, std::unique_ptr<Node>, LevelHash, std::equal_to<>> children;
    std::unique_ptr<Node> plus;                                  // the '+' level
    std::unique_ptr<Node> hash;                                  // the '#' level: always a leaf
    std::unordered_map<const Subscriber*, Pointer> subscribers;  // filters that end here

    bool empty() const noexcept {
      return subscribers.empty() && children.empty() && plus == nullptr && hash == nullptr;
    }
    Node* find(std::string_view level) const {
      if (level == "+") return plus.get();
      if (level == "#") return hash.get();
      const auto found = children.find(level);
      return found == children.end() ? nullptr : found->second.get();
    }
    Node& child(std::string_view level) {
      auto& slot = level == "+"   ? plus
                   : level == "#" ? hash
                                  : children.try_emplace(std::string(level)).first->second;
      if (slot == nullptr) slot = std::make_unique<Node>();
      return *slot;
    }
    std::size_t count_below() const {
      std::size_t count = 0;
      for (const Node* next : {plus.get(), hash.get()})
        if (next != nullptr) count += 1 + next->count_below();
      for (const auto& [level, next] : children)
        count += 1 + next->count_below();
      return count;
    }
    void remove(std::string_view level) {
      if (level == "+") return plus.reset();
      if (level == "#") return hash.reset();
      children.erase(children.find(level));
    }
  };

  template <typename Visit>
  static void for_each_level(std::string_view text, Visit&& visit) {
    for (;;) {
      const auto cut = text.find('/');
      visit(text.substr(0, cut));
      if (cut == std::string_view::npos) return;
      text.remove_prefix(cut + 1);
    }
  }

  // `rest` is what is left of the topic below `node`, at least one level.
  template <typename Take>
  static void walk(const Node& node, std::string_view rest, bool wildcards, Take& take) {
    if (wildcards) take(node.hash.get());  // '#' matches every level from here down
    const auto cut = rest.find('/');
    const auto level = rest.substr(0, cut);
    const auto descend = [&](const Node* next) {
      if (next == nullptr) return;
      if (cut == std::string_view::npos) {
        take(next);
        take(next->hash.get());  // "a/#" matches "a"
      } else {
        walk(*next, rest.substr(cut + 1), true, take);
      }
    };
    if (const auto found = node.children.find(level); found != node.children.end())
      descend(found->second.get());
    if (wildcards) descend(node.plus.get());
  }

  // Adds the filters held at and below `node`'s children; `above` is the filter down to `node`
  // with its trailing '/', empty at the root.
  static void list(const Node& node, const std::string& above,
                   std::map<std::string, std::size_t>& out) {
    const auto visit = [&](std::string_view level, const Node* next) {
      if (next == nullptr) return;
      std::string filter = above + std::string(level);
      if (!next->subscribers.empty()) out.emplace(filter, next->subscribers.size());
      list(*next, filter + '/', out);
    };
    for (const auto& [level, next] : node.children)
      visit(level, next.get());
    visit("+", node.plus.get());
    visit("#", node.hash.get());
  }

  Node root_;
};

}  // namespace gw::gateway
