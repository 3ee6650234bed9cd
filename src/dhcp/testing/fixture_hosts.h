#pragma once
// A small inventory for in-process tests: subnet 10.99.0.0/24 served directly (agent at
// 10.99.0.1), subnet 10.99.1.0/24 behind a relay at 10.99.1.1.
#include <memory>

#include "dhcp/codec/typed_option.h"
#include "dhcp/server/server.h"
#include "dhcp/server/static_directory.h"

namespace vq::dhcp::testing {

inline MacAddr mac(const char* s) {
    return *MacAddr::parse(s);
}
inline Ipv4 ip(const char* s) {
    return *Ipv4::parse(s);
}

inline std::shared_ptr<const SubnetInfo> labSubnet() {
    auto s = std::make_shared<SubnetInfo>();
    s->cidr = *Cidr::parse("10.99.0.0/24");
    s->gateway = ip("10.99.0.254");
    s->dns = {ip("10.99.0.53"), ip("10.99.0.54")};
    s->ntp = {ip("10.99.0.123")};
    s->domain = "lab.example";
    s->extra_options.push_back(*encodeTypedOption(28, "addresses", "10.99.0.255"));
    s->extra_options.push_back(*encodeTypedOption(23, "uint8", "64"));
    return s;
}

inline std::shared_ptr<const SubnetInfo> remoteSubnet() {
    auto s = std::make_shared<SubnetInfo>();
    s->cidr = *Cidr::parse("10.99.1.0/24");
    s->gateway = ip("10.99.1.1");
    return s;
}

inline StaticDirectory labDirectory() {
    StaticDirectory d;
    auto lab = labSubnet();
    d.add({mac("52:54:00:00:00:01"), ip("10.99.0.11"), lab, "node1", true, false, "node1"});
    d.add({mac("52:54:00:00:00:02"), ip("10.99.0.12"), lab, "", false, false, "never"});
    d.add({mac("52:54:00:00:00:03"), ip("10.99.0.13"), lab, "", true, true, "ignored"});
    d.add({mac("52:54:00:00:00:04"), ip("10.99.0.14"), lab, "node1-bmc", false, false, "node1"});
    d.add(
        {mac("52:54:00:00:01:01"), ip("10.99.1.21"), remoteSubnet(), "far1", true, false, "far1"});
    return d;
}

inline RecvMeta directMeta() {
    RecvMeta m;
    m.ifindex = 7;
    m.local = ip("10.99.0.1");
    m.interface_addresses = {*Cidr::parse("10.99.0.1/24")};
    return m;
}

}  // namespace vq::dhcp::testing
