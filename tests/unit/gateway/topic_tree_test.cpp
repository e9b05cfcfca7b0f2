#include "hub/topic_tree.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/topic.hpp>

namespace {

namespace topic = gw::gateway::topic;

struct Holder {
  int number;
};
using Tree = gw::gateway::TopicTree<Holder>;

std::vector<int> numbers(const std::vector<std::shared_ptr<Holder>>& holders) {
  std::vector<int> out;
  for (const auto& holder : holders)
    out.push_back(holder->number);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> matched_by(const Tree& tree, const std::string& name) {
  std::vector<std::shared_ptr<Holder>> out;
  tree.collect(name, out);
  return numbers(out);
}

// Levels chosen so that random filters and names collide often: empty levels, '$' levels and
// the wildcards included.
class RandomTopics {
 public:
  explicit RandomTopics(unsigned seed) : random_(seed) {}

  std::string name() { return join(false); }
  std::string filter() {
    for (;;) {
      auto text = join(true);
      if (!topic::check_filter(text)) return text;
    }
  }
  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
  }

 private:
  std::string join(bool wildcards) {
    static const std::vector<std::string> plain{"a", "b", "home", "", "$SYS", "$x"};
    std::string text;
    const auto depth = 1 + below(4);
    for (std::size_t i = 0; i < depth; ++i) {
      if (i > 0) text += '/';
      const auto pick = below(plain.size() + (wildcards ? 2 : 0));
      text += pick < plain.size() ? plain[pick] : pick == plain.size() ? "+" : "#";
    }
    return text;
  }
  std::mt19937 random_;
};

}  // namespace

TEST_CASE("the topic tree finds what the plain matcher finds, on random filters and names",
          "[topic_tree]") {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    RandomTopics random(seed);
    Tree tree;
    std::vector<std::shared_ptr<Holder>> holders;
    for (int i = 0; i < 12; ++i)
      holders.push_back(std::make_shared<Holder>(Holder{i}));
    std::map<int, std::set<std::string>> held;  // what the tree should hold, by holder

    for (int step = 0; step < 400; ++step) {
      const auto& holder = holders[random.below(holders.size())];
      if (random.below(3) > 0 || held[holder->number].empty()) {
        const auto filter = random.filter();
        const bool added = held[holder->number].insert(filter).second;
        REQUIRE(tree.insert(filter, holder) == added);
      } else {  // erase one it holds, or one it does not
        const auto& mine = held[holder->number];
        auto filter = random.below(4) == 0 ? random.filter()
                                           : *std::next(mine.begin(), random.below(mine.size()));
        const bool removed = held[holder->number].erase(filter) > 0;
        REQUIRE(tree.erase(filter, *holder) == removed);
      }

      const auto name = random.name();
      std::vector<int> expected;
      for (const auto& [number, filters] : held)
        if (std::any_of(filters.begin(), filters.end(),
                        [&](const auto& filter) { return topic::matches(filter, name); }))
          expected.push_back(number);
      INFO("seed " << seed << " step " << step << " topic '" << name << "'");
      REQUIRE(matched_by(tree, name) == expected);
    }

    std::map<std::string, std::size_t> counts;
    for (const auto& [number, filters] : held)
      for (const auto& filter : filters)
        ++counts[filter];
    CHECK(tree.filters() == counts);
    for (const auto& [number, filters] : held)  // emptied, the tree holds no level
      for (const auto& filter : filters)
        REQUIRE(tree.erase(filter, *holders[static_cast<std::size_t>(number)]));
    CHECK(tree.node_count() == 0);
  }
}

TEST_CASE("the topic tree keeps MQTT's rules for wildcards, parents and $ topics", "[topic_tree]") {
  Tree tree;
  const auto a = std::make_shared<Holder>(Holder{1});
  const auto b = std::make_shared<Holder>(Holder{2});
  CHECK(tree.insert("home/#", a));
  CHECK_FALSE(tree.insert("home/#", a));
  CHECK(tree.insert("home/+/temperature", a));
  CHECK(tree.insert("#", b));
  CHECK(tree.insert("$SYS/+", b));

  CHECK(matched_by(tree, "home") == std::vector{1, 2});  // "home/#" matches its parent
  CHECK(matched_by(tree, "home/kitchen/temperature") == std::vector{1, 2});  // a once
  CHECK(matched_by(tree, "garden//") == std::vector{2});
  CHECK(matched_by(tree, "$SYS/load") == std::vector{2});  // by name, not by "#"
  CHECK(matched_by(tree, "$SYS").empty());

  CHECK(tree.erase("home/#", *a));
  CHECK_FALSE(tree.erase("home/#", *a));
  CHECK_FALSE(tree.erase("home/+", *a));
  CHECK(matched_by(tree, "home") == std::vector{2});
  CHECK(matched_by(tree, "home/kitchen/temperature") == std::vector{1, 2});
  CHECK(tree.filter_count() == 3);
}

TEST_CASE("the topic tree removes the levels its last filter leaves", "[topic_tree]") {
  Tree tree;
  const auto a = std::make_shared<Holder>(Holder{1});
  CHECK(tree.insert("a/b/c/d", a));
  CHECK(tree.insert("a/+/#", a));
  CHECK(tree.node_count() == 6);  // a, b, c, d, +, #
  CHECK(tree.erase("a/b/c/d", *a));
  CHECK(tree.node_count() == 3);
  CHECK(tree.erase("a/+/#", *a));
  CHECK(tree.filter_count() == 0);
  CHECK(tree.node_count() == 0);
  CHECK(matched_by(tree, "a/b/c/d").empty());
  // The same filters can be held again after the levels went.
  CHECK(tree.insert("a/b/c/d", a));
  CHECK(matched_by(tree, "a/b/c/d") == std::vector{1});
}
