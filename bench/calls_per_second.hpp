#pragma once

#include <chrono>
#include <cstddef>

namespace gw::bench {

// Calls operation in batches until `seconds` have passed or max_count calls were made, and
// returns calls per second. operation returns a size (bytes produced, say): the sizes are summed
// into a volatile sink so that the optimiser cannot drop the work.
template <class Operation>
double calls_per_second(Operation&& operation, double seconds,
                        std::size_t max_count = 100'000'000) {
  using Clock = std::chrono::steady_clock;
  constexpr std::size_t batch = 1000;
  volatile std::size_t sink = 0;
  std::size_t count = 0;
  const auto start = Clock::now();
  while (true) {
    std::size_t sizes = 0;
    for (std::size_t i = 0; i < batch; ++i)
      sizes += operation();
    sink = sink + sizes;
    count += batch;
    const std::chrono::duration<double> elapsed = Clock::now() - start;
    if (elapsed.count() >= seconds || count >= max_count) return double(count) / elapsed.count();
  }
}

}  // namespace gw::bench
