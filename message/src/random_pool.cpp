#include "random_pool.hpp"

#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

#include "openssl_contexts.hpp"

namespace gw::message::detail {
namespace {

// One page per thread: a count of unused bytes, then the bytes. After a fork the child's copy
// reads as all zero, so its count is 0 and it refills before handing anything out.
class ThreadBatch {
 public:
  ThreadBatch() {
    const long page = ::sysconf(_SC_PAGESIZE);
    if (page <= 0) return;
    void* memory = ::mmap(nullptr, std::size_t(page), PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return;
    if (::madvise(memory, std::size_t(page), MADV_WIPEONFORK) != 0) {
      ::munmap(memory, std::size_t(page));
      return;
    }
    page_ = static_cast<std::uint8_t*>(memory);
    page_size_ = std::size_t(page);
  }
  ~ThreadBatch() {
    if (page_ != nullptr) ::munmap(page_, page_size_);
  }
  ThreadBatch(const ThreadBatch&) = delete;
  ThreadBatch& operator=(const ThreadBatch&) = delete;

  bool usable() const { return page_ != nullptr; }

  void take(std::span<std::uint8_t> out) {
    std::size_t& available = *reinterpret_cast<std::size_t*>(page_);
    std::uint8_t* const bytes = page_ + sizeof(std::size_t);
    const std::size_t capacity = page_size_ - sizeof(std::size_t);
    if (available < out.size()) {
      random_bytes({bytes, capacity});
      available = capacity;
    }
    // Hand out from the end and wipe what was handed out: no byte is used twice.
    available -= out.size();
    std::memcpy(out.data(), bytes + available, out.size());
    std::memset(bytes + available, 0, out.size());
  }

 private:
  std::uint8_t* page_ = nullptr;
  std::size_t page_size_ = 0;
};

}  // namespace

void RandomPool::fill(std::span<std::uint8_t> out) {
  thread_local ThreadBatch batch;
  if (batch.usable() && out.size() <= max_request) {
    batch.take(out);
  } else {
    random_bytes(out);
  }
}

}  // namespace gw::message::detail
