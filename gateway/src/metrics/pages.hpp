#pragma once

#include <string_view>

#include <gw/transports/handler.hpp>

namespace gw::gateway {

class Gateway;

// GET on the HTTP port: / (the start page), /healthz (JSON), /metrics (Prometheus text).
transports::HttpPage serve_page(Gateway& gateway, std::string_view path);

}  // namespace gw::gateway
