#include "agent/dhcp_reply_fit.h"

#include "agent/dhcp_subnet.h"
#include "dhcp/codec/option_codes.h"
#include "dhcp/server/server.h"
#include "dhcp/server/static_directory.h"

namespace vq::agent {
namespace {

// A BIOS PXE ROM's DISCOVER, without option 57: the reply with the most options a host of
// the subnet gets (lease options and the boot options), held to 576 bytes.
dhcp::Packet pxeDiscover(const MacAddr& mac) {
    dhcp::Packet q;
    q.op = dhcp::kBootRequest;
    q.htype = 1;
    q.hlen = 6;
    q.setMac(mac);
    q.options.setU8(dhcp::opt::kMessageType, static_cast<uint8_t>(dhcp::MessageType::Discover));
    q.options.setStr(dhcp::opt::kVendorClass, "PXEClient:Arch:00000:UNDI:002001");
    q.options.setU16(dhcp::opt::kClientArch, 0);
    return q;
}

}  // namespace

std::vector<model::Diagnostic> dhcpReplyFitChecks(const model::Model& model) {
    std::vector<model::Diagnostic> out;
    const MacAddr mac = *MacAddr::parse("02:00:00:00:00:01");
    for (const model::Site& site : model.sites()) {
        for (size_t i = 0; i < site.subnets.size(); ++i) {
            const model::Subnet& subnet = site.subnets[i];
            auto info = dhcpSubnetInfo(subnet);
            if (!info)
                continue;
            // The host of the subnet whose hostname (option 12) is the longest.
            std::optional<dhcp::HostLease> lease;
            for (const model::Host& host : site.hosts) {
                for (const model::Interface& iface : host.interfaces) {
                    if (iface.subnet != subnet.id || !iface.ipv4 || iface.ignore_dhcp)
                        continue;
                    if (lease && lease->hostname.size() >= iface.hostname.size())
                        continue;
                    lease.emplace();
                    lease->mac = mac;
                    lease->ip = *iface.ipv4;
                    lease->subnet = info;
                    lease->hostname = iface.hostname;
                    lease->host_name = host.name;
                }
            }
            if (!lease)
                continue;
            dhcp::StaticDirectory directory;
            directory.add(*lease);
            dhcp::Server server(dhcp::ServerConfig{}, directory);
            dhcp::RecvMeta meta;
            meta.interface_addresses = {*subnet.cidr};
            const dhcp::Exchange e = server.exchange(pxeDiscover(mac), meta);
            if (e.replies.empty())
                continue;
            const dhcp::Reply& reply = e.replies.front();
            std::vector<uint8_t> wire;
            const dhcp::EncodeResult fit = dhcp::encodeTo(reply.packet, wire, reply.max_size);
            if (fit.ok && !fit.trimmed())
                continue;
            model::Diagnostic d;
            d.file = site.origin.file;
            d.line = subnet.loc.line;
            d.col = subnet.loc.col;
            d.severity = model::Severity::Warning;
            d.path = "subnets[" + std::to_string(i) + "]";
            d.message = "a DHCP reply on subnet " + subnet.id + " (to host " + lease->host_name +
                        ") does not fit in 576 bytes, the most a client that sends no maximum "
                        "message size (option 57) accepts: " +
                        (!fit.ok ? std::string("no reply can be sent to such clients")
                         : fit.dropped.count() == 1
                             ? "option " + fit.droppedList() + " is left out for such clients"
                             : "options " + fit.droppedList() + " are left out for such clients") +
                        "; shorten or drop dhcp_options";
            out.push_back(std::move(d));
        }
    }
    return out;
}

}  // namespace vq::agent
