#pragma once

#include <signal.h>

namespace gw::gwctl {

// Blocks SIGINT and SIGTERM in every thread (call it before the client's thread starts), so
// that a command that runs until interrupted waits for them with sigtimedwait instead of being
// interrupted inside a handler.
sigset_t stop_signals();

}  // namespace gw::gwctl
