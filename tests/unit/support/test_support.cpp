#include "test_support.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <gw/message/base64url.hpp>

namespace gw::test {

nlohmann::json load_fernet_vectors(const std::string& relative_path) {
  const std::filesystem::path path = std::filesystem::path(GW_FERNET_VECTORS_DIR) / relative_path;
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("Fernet vectors not found at " + path.string() +
                             "; configure with -DGW_FERNET_VECTORS_DIR=DIR");
  }
  return nlohmann::json::parse(in);
}

message::UnixSeconds parse_iso8601(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offset_hour = 0,
      offset_minute = 0;
  char sign = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d", &year, &month, &day, &hour,
                  &minute, &second, &sign, &offset_hour, &offset_minute) != 9 ||
      (sign != '+' && sign != '-')) {
    throw std::runtime_error("not an ISO-8601 time with offset: " + copy);
  }
  using namespace std::chrono;
  const sys_days date = year_month_day{std::chrono::year{year}, std::chrono::month(unsigned(month)),
                                       std::chrono::day(unsigned(day))};
  const auto local = date.time_since_epoch() + hours{hour} + minutes{minute} + seconds{second};
  const auto offset = hours{offset_hour} + minutes{offset_minute};
  return duration_cast<seconds>(sign == '+' ? local - offset : local + offset).count();
}

std::string vector_source(const nlohmann::json& vector) {
  std::string src = vector.at("src").get<std::string>();
  if (vector.value("src_encoding", "") != "base64") return src;
  for (char& c : src) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  auto bytes = message::base64url::decode(src);
  if (!bytes) throw std::runtime_error("bad base64 in vector src: " + bytes.error().text);
  return {bytes->begin(), bytes->end()};
}

TemporaryDirectory::TemporaryDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "gw-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace gw::test
