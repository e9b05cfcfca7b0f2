#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace gw::gateway {

// The blocks of an array of tables in the config file ([[tables]], [[history]], [[mqtt]]):
// calls `read` with each, and `where` naming it ("[[NAME]] in FILE line N") for its errors.
// Throws ConfigError when NAME is not such blocks, or one is not a table.
void for_each_block(
    const toml::node& node, const std::filesystem::path& path, std::string_view name,
    const std::function<void(const toml::table& entry, const std::string& where)>& read);

// A whole-number field of a block, from `low` to `high`; `fallback` when it is absent. Throws
// ConfigError naming the field and the range.
std::int64_t whole_number_field(const toml::table& entry, std::string_view field,
                                std::int64_t fallback, std::int64_t low, std::int64_t high,
                                const std::string& where);

}  // namespace gw::gateway
