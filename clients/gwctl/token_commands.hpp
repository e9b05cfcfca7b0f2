#pragma once

#include "command.hpp"

namespace gw::gwctl {

// gwctl keygen | encrypt | decrypt: Fernet keys and tokens without a gateway.
Command add_keygen_command(CLI::App& app);
Command add_encrypt_command(CLI::App& app);
Command add_decrypt_command(CLI::App& app);

}  // namespace gw::gwctl
