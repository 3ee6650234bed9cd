#pragma once
// A HostDirectory over an in-memory map, built once and then only read (so concurrent
// find() calls are safe). The test driver and tests use it; a composition root can too.
#include <unordered_map>
#include <vector>

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
    void addPeer(Ipv4 server) { peers_.push_back(server); }
    bool isPeerServer(Ipv4 server) const override {
        for (Ipv4 p : peers_) {
            if (p == server)
                return true;
        }
        return false;
    }
    size_t size() const { return hosts_.size(); }

private:
    std::unordered_map<MacAddr, HostLease> hosts_;
    std::vector<Ipv4> peers_;
};

}  // namespace vq::dhcp
