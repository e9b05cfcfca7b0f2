#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gw/message/unix_time.hpp>

namespace gw::test {

// One of the vector files below GW_FERNET_VECTORS_DIR, e.g. "generated/verify.json".
nlohmann::json load_fernet_vectors(const std::string& relative_path);

// "1985-10-26T01:20:00-07:00" -> Unix seconds.
message::UnixSeconds parse_iso8601(std::string_view text);

// A vector's "src": plain text, or standard base64 when "src_encoding" is "base64".
std::string vector_source(const nlohmann::json& vector);

// A fresh directory under the system's temporary directory, removed by the destructor.
class TemporaryDirectory {
 public:
  TemporaryDirectory();
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace gw::test
