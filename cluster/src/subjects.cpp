#include "subjects.hpp"

#include <cctype>

namespace gw::cluster {

namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";

bool kept_as_is(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls `each` with every '/'-separated level of `text`, empty ones included.
template <typename Each>
void for_each_level(std::string_view text, Each each) {
  for (;;) {
    const auto slash = text.find('/');
    each(text.substr(0, slash));
    if (slash == std::string_view::npos) return;
    text.remove_prefix(slash + 1);
  }
}

}  // namespace

std::string Subjects::escape(std::string_view text) {
  if (text.empty()) return "%";
  std::string token;
  token.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (kept_as_is(byte)) {
      token += c;
    } else {
      token += '%';
      token += hex_digits[byte >> 4];
      token += hex_digits[byte & 0xF];
    }
  }
  return token;
}

std::string Subjects::unescape(std::string_view token) {
  if (token == "%") return {};
  std::string text;
  text.reserve(token.size());
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '%' && i + 2 < token.size() && hex_value(token[i + 1]) >= 0 &&
        hex_value(token[i + 2]) >= 0) {
      text += static_cast<char>(hex_value(token[i + 1]) * 16 + hex_value(token[i + 2]));
      i += 2;
    } else {
      text += token[i];
    }
  }
  return text;
}

std::string Subjects::to_client(std::string_view id_or_name) const {
  return prefix_ + "to." + escape(id_or_name);
}

std::string Subjects::topic(std::string_view topic) const {
  auto subject = prefix_ + "topic";
  for_each_level(topic, [&](std::string_view level) { subject += "." + escape(level); });
  return subject;
}

std::vector<std::string> Subjects::filter(std::string_view filter) const {
  auto subject = prefix_ + "topic";
  bool multi_level = false;
  for_each_level(filter, [&](std::string_view level) {
    if (level == "#")
      multi_level = true;
    else
      subject += "." + (level == "+" ? std::string("*") : escape(level));
  });
  if (!multi_level) return {subject};
  if (subject.size() == prefix_.size() + 5) return {subject + ".>"};  // "#": every topic
  return {subject, subject + ".>"};
}

std::string Subjects::topic_of(std::string_view subject) const {
  const auto start = prefix_ + "topic.";
  if (!subject.starts_with(start)) return {};
  subject.remove_prefix(start.size());
  std::string topic;
  for (;;) {
    const auto dot = subject.find('.');
    topic += unescape(subject.substr(0, dot));
    if (dot == std::string_view::npos) return topic;
    topic += '/';
    subject.remove_prefix(dot + 1);
  }
}

std::string Subjects::replies(std::string_view node) const {
  return prefix_ + "reply." + std::string(node) + ".*";
}

std::string Subjects::reply(std::string_view node, std::uint64_t sequence) const {
  return prefix_ + "reply." + std::string(node) + "." + std::to_string(sequence);
}

std::string Subjects::client_of(std::string_view subject) {
  const auto dot = subject.rfind('.');
  return unescape(dot == std::string_view::npos ? subject : subject.substr(dot + 1));
}

}  // namespace gw::cluster
