#pragma once

#include <cstddef>
#include <ostream>
#include <set>
#include <string>

#include <gw/discovery/found_gateway.hpp>

namespace gw::gwctl {

// The gateways found so far, printed as they come: a table for people, or one JSON object per
// line. A gateway found again (by another method) is not printed twice, nor a cluster: its
// gateways act as one, and the first to answer stands for it (its handshake lists the others).
class GatewayList {
 public:
  GatewayList(std::ostream& out, bool json) : out_(out), json_(json) {}

  // Prints the gateway unless its id, or its cluster, was seen; returns whether it was new.
  bool add(const discovery::FoundGateway& gateway);
  std::size_t size() const noexcept { return ids_.size(); }

 private:
  std::ostream& out_;
  bool json_;
  bool header_printed_ = false;
  std::set<std::string> ids_;
};

}  // namespace gw::gwctl
