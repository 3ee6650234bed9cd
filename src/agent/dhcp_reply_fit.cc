#include "agent/dhcp_reply_fit.h"

#include <string_view>
#include <unordered_map>

#include "agent/dhcp_subnet.h"
#include "dhcp/server/rogue_probe.h"
#include "dhcp/server/server.h"
#include "dhcp/server/static_directory.h"

namespace vq::agent {

std::vector<model::Diagnostic> dhcpReplyFitChecks(const model::Model& model) {
    std::vector<model::Diagnostic> out;
    const MacAddr mac = *MacAddr::parse("02:00:00:00:00:01");
    for (const model::Site& site : model.sites()) {
        // Per subnet, the host whose hostname (option 12) is the longest: one pass over hosts.
        struct Longest {
            const model::Host* host = nullptr;
            const model::Interface* iface = nullptr;
        };
        std::unordered_map<std::string_view, Longest> longest;
        for (const model::Host& host : site.hosts) {
            for (const model::Interface& iface : host.interfaces) {
                if (!iface.ipv4 || iface.ignore_dhcp)
                    continue;
                Longest& l = longest[iface.subnet];
                if (l.iface == nullptr || l.iface->hostname.size() < iface.hostname.size())
                    l = {&host, &iface};
            }
        }
        for (size_t i = 0; i < site.subnets.size(); ++i) {
            const model::Subnet& subnet = site.subnets[i];
            auto info = dhcpSubnetInfo(subnet);
            auto it = longest.find(subnet.id);
            if (!info || it == longest.end())
                continue;
            dhcp::HostLease lease;
            lease.mac = mac;
            lease.ip = *it->second.iface->ipv4;
            lease.subnet = info;
            lease.hostname = it->second.iface->hostname;
            lease.host_name = it->second.host->name;
            dhcp::StaticDirectory directory;
            directory.add(lease);
            dhcp::Server server(dhcp::ServerConfig{}, directory);
            dhcp::RecvMeta meta;
            meta.interface_addresses = {*subnet.cidr};
            // A BIOS PXE ROM's DISCOVER, without option 57: the reply with the most options a
            // host of the subnet gets (lease options and the boot options), held to 576 bytes.
            const dhcp::Exchange e = server.exchange(dhcp::makeProbeDiscover(mac, 1), meta);
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
            d.message = "a DHCP reply on subnet " + subnet.id + " (to host " + lease.host_name +
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
