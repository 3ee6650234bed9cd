#pragma once
// A HostDirectory over an in-memory map, built once and then only read (so concurrent
// find() calls are safe). The test driver and tests use it; a composition root can too.
#include <unordered_map>

#include "dhcp/server/directory.h"

namespace vq::dhcp {

class StaticDirectory : public HostDirectory {
public:
    void add(HostLease lease) {
        MacAddr mac = lease.mac;
        hosts_[mac] = std::move(lease);
    }
    std::optional<HostLease> find(const MacAddr& mac) const override {
        auto it = hosts_.find(mac);
        if (it == hosts_.end())
            return std::nullopt;
        return it->second;
    }
    size_t size() const { return hosts_.size(); }

private:
    std::unordered_map<MacAddr, HostLease> hosts_;
};

}  // namespace vq::dhcp
