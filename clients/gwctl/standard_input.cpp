#include "standard_input.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace gw::gwctl {

std::optional<std::string> read_standard_input(std::size_t limit) {
  std::string data;
  char chunk[64 * 1024];
  while (true) {
    const std::size_t got = std::fread(chunk, 1, sizeof chunk, stdin);
    data.append(chunk, got);
    if (data.size() > limit) return std::nullopt;
    if (got < sizeof chunk) break;
  }
  if (std::ferror(stdin)) {
    throw std::runtime_error(std::string("cannot read standard input: ") + std::strerror(errno));
  }
  return data;
}

}  // namespace gw::gwctl
