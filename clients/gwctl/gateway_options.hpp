#pragma once

#include <functional>
#include <string>

#include <gw/client/client.hpp>

#include "key_options.hpp"

namespace gw::gwctl {

// The options of every command that talks to one gateway: where, with which key, as whom, how
// long to wait, and how to print.
struct GatewayOptions {
  static constexpr const char* default_url = "ws://127.0.0.1:8000";

  KeyOptions keys;
  std::string url = default_url;
  std::string name = "gwctl";
  std::string ca_file;  // https and wss: the certificate to trust; empty: the system's
  double timeout = 5.0;
  bool json = false;
  // A file holding the gateway's admin key ([gateway] admin_key): the session asks for admin
  // permission first. A file, not the key itself, so that it does not show in the process list.
  std::string admin_key_file;

  void add_to(CLI::App& command);
  client::ClientOptions client_options() const;
};

// Connects, runs `work` with the client, and turns failures into the exit codes: 2 for a bad
// URL or key option, 3 when no gateway was reached (or it did not answer), 1 for a wrong key or
// any other failure (a refused admin key too). Messages go to standard error as "gwctl COMMAND:
// ...".
int with_client(const char* command, const GatewayOptions& options,
                const std::function<int(client::Client&)>& work,
                const std::function<void(client::ClientOptions&)>& adjust = {});

// Prints a reply: its JSON on one line with --json, else "TEXT" (and, with `show_data`, its
// data when it has any) on standard output, or for a reply whose code is not 200 "gwctl
// COMMAND: CODE TEXT" on standard error. Returns 0 for code 200, else 1.
int print_reply(const char* command, const message::Message& reply, bool json,
                bool show_data = true);

// Words joined by single spaces, from the index `from` on.
std::string joined(const std::vector<std::string>& words, std::size_t from = 0);

// Whether standard output is a terminal that may be coloured (and NO_COLOR is not set).
bool colour_output();

}  // namespace gw::gwctl
