#pragma once

namespace boost::asio {
class io_context;
}

namespace gw::transports {

// Runs `io` on the calling thread until it is stopped or out of work, as io_context::run does,
// and is how every thread that runs the transports should run it: messages written to a
// WebSocket client during one burst of ready work leave together at its end, one system call
// per client per burst instead of one per message. A lone reply is written at once, since its
// burst ends with it. (On a thread that runs `io` otherwise, each write goes out at once.)
void run_network_thread(boost::asio::io_context& io);

}  // namespace gw::transports
