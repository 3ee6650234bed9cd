#include "agent/dhcp_subnet.h"

#include "dhcp/codec/typed_option.h"

namespace vq::agent {
namespace {

std::vector<Ipv4> parseAddresses(const std::vector<std::string>& texts) {
    std::vector<Ipv4> out;
    for (const auto& t : texts) {
        if (auto ip = Ipv4::parse(t))
            out.push_back(*ip);
    }
    return out;
}

}  // namespace

std::shared_ptr<const dhcp::SubnetInfo> dhcpSubnetInfo(const model::Subnet& s) {
    if (!s.cidr)
        return nullptr;
    auto info = std::make_shared<dhcp::SubnetInfo>();
    info->cidr = *s.cidr;
    info->gateway = s.gateway;
    info->dns = parseAddresses(s.dns);
    info->ntp = parseAddresses(s.ntp);
    info->domain = s.domain_name;
    for (const auto& o : s.dhcp_options) {
        if (auto raw = dhcp::encodeTypedOption(o.option, o.type, o.value))
            info->extra_options.push_back(*raw);
    }
    return info;
}

}  // namespace vq::agent
