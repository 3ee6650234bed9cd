#pragma once
// What the DHCP service asks of the rest of the system about hosts. The composition
// root (agent / standalone) implements HostDirectory from the data model; tests use
// dhcp/testing/fake_directory.h. find() is called from the service thread for every
// request, so implementations must be thread-safe and cheap (an indexed snapshot).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/ipv4.h"
#include "base/mac_addr.h"
#include "dhcp/codec/packet.h"

namespace vq::dhcp {

struct SubnetInfo {
    Cidr cidr;
    std::optional<Ipv4> gateway;
    std::vector<Ipv4> dns;
    std::vector<Ipv4> ntp;
    std::string domain;
    // The subnet's typed dhcp_options, already encoded (encodeTypedOption) at load time;
    // they override the options above when they carry the same code.
    std::vector<RawOption> extra_options;
};

struct HostLease {
    MacAddr mac;
    Ipv4 ip;
    std::shared_ptr<const SubnetInfo> subnet;  // shared: many hosts, one subnet
    std::string hostname;                      // option 12 (interface.hostname); empty = not sent
    bool boot = true;                          // false for never_provision hosts and bmc interfaces
    bool ignore = false;                       // interface.ignore_dhcp: no reply at all
    std::string host_name;  // the inventory host this interface belongs to, for logs
};

class HostDirectory {
public:
    virtual ~HostDirectory() = default;
    virtual std::optional<HostLease> find(const MacAddr& mac) const = 0;
    // Whether `server` is another DHCP server of the same site (a second agent on the
    // segment): it answers the same hosts from the same inventory, which is no rogue's work.
    // Asked only for replies overheard on the segment, never per request.
    virtual bool isPeerServer(Ipv4 /*server*/) const { return false; }
};

enum class Mode { Server, Proxy };

}  // namespace vq::dhcp
