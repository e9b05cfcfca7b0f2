#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace gw::transports {

// Room to read a connection's bytes into once it is readable, lent by the network thread for
// the time the bytes are handled: connections waiting to read hold no buffer of their own.
// Lent again while still lent (a handler that runs another connection's read inline) it is a
// second one, so nothing handed out is written over.
class ReadChunk {
 public:
  static constexpr std::size_t size = 16 * 1024;

  ReadChunk() : bytes_(lend()) {}
  ~ReadChunk() { --depth(); }
  ReadChunk(const ReadChunk&) = delete;
  ReadChunk& operator=(const ReadChunk&) = delete;

  std::span<char> bytes() const noexcept { return {bytes_, size}; }

 private:
  static std::size_t& depth() {
    thread_local std::size_t lent = 0;
    return lent;
  }
  static char* lend() {
    thread_local std::vector<std::unique_ptr<char[]>> chunks;
    auto& lent = depth();
    if (chunks.size() == lent) chunks.push_back(std::make_unique_for_overwrite<char[]>(size));
    return chunks[lent++].get();
  }

  char* bytes_;
};

}  // namespace gw::transports
