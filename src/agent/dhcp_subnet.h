#pragma once
// A site's subnet as the DHCP service serves it: its options parsed, its typed dhcp_options
// encoded once (an option whose value does not encode is left out; validate reports it).

#include <memory>

#include "dhcp/server/directory.h"
#include "model/types.h"

namespace vq::agent {

// nullptr when the subnet has no valid CIDR.
std::shared_ptr<const dhcp::SubnetInfo> dhcpSubnetInfo(const model::Subnet& subnet);

}  // namespace vq::agent
