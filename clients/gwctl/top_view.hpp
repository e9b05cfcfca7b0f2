#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace gw::gwctl {

// What `gwctl top` shows: the latest of each $gw feed topic, rendered as a screen of text
// (traffic, refusals, the busiest topics, the clients) or as one JSON object.
class TopView {
 public:
  // A feed message's topic and data; false for a topic that is not the feed's.
  bool take(const std::string& topic, nlohmann::json data);
  // Whether each topic has been heard once, so that a screen has every part.
  bool complete() const;

  // The screen: at most `rows` topics and clients each.
  std::string text(std::size_t rows) const;
  // {"stats": ..., "topics": [...], "clients": [...]} on one line (the lists as far as the feed
  // sent them).
  std::string json_line() const;

 private:
  nlohmann::json stats_;
  nlohmann::json topics_;
  nlohmann::json clients_;
};

}  // namespace gw::gwctl
