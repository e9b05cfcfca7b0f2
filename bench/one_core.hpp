#pragma once

#include <sched.h>

namespace gw::bench {

// Keeps this process on the core it is running on, so that figures compared in one run (and a
// child measured on the same core) are not moved between cores; returns that core.
inline int pin_to_one_core() {
  const int cpu = ::sched_getcpu();
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::sched_setaffinity(0, sizeof set, &set);
  return cpu;
}

}  // namespace gw::bench
