#pragma once
// Enumerates the host's IPv4 interfaces, so services can bind per interface and
// answer with the address of the interface a request came in on (multihoming).
#include <string>
#include <vector>

#include "base/ipv4.h"
#include "base/mac_addr.h"
#include "base/result.h"

namespace vq::net {

struct InterfaceInfo {
    std::string name;
    int index = 0;
    MacAddr mac;
    bool up = false;
    bool loopback = false;
    std::vector<Cidr> addresses;  // IPv4 only, with prefix length; address() is the host's own
};

// Every interface that exists now (including ones without IPv4 addresses).
Result<std::vector<InterfaceInfo>> listInterfaces();

// One interface by name; an error names it when it does not exist.
Result<InterfaceInfo> findInterface(const std::string& name);

}  // namespace vq::net
