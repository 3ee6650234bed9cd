#include "dhcp/server/server.h"

#include <fmt/format.h>

#include "dhcp/codec/client_info.h"
#include "dhcp/server/detail_text.h"
#include "dhcp/server/rogue_probe.h"

namespace vq::dhcp {
namespace {

const Ipv4 kBroadcast(0xffffffffu);
// Agent addresses whose boot targets are kept; more (an unusual multihoming) are built
// per request instead of growing without bound.
constexpr size_t kMaxBootTargets = 64;

// BOOTP's file field holds 127 characters; longer URLs go in option 67 only.
void setBootFile(Packet& r, const std::string& file) {
    if (file.size() <= 127) {
        r.file = file;
    } else {
        r.options.setStr(opt::kBootfileName, file);
    }
}

}  // namespace

const char* dropReasonName(DropReason reason) {
    switch (reason) {
        case DropReason::NotRequest:
            return "not_request";
        case DropReason::NoMessageType:
            return "no_message_type";
        case DropReason::UnknownMac:
            return "unknown_mac";
        case DropReason::Ignored:
            return "ignore_dhcp";
        case DropReason::NotForUs:
            return "other_server_selected";
        case DropReason::NoAddress:
            return "no_address_on_segment";
        case DropReason::RelaySubnet:
            return "relay_subnet_mismatch";
        case DropReason::Unsupported:
            return "unsupported_message";
        case DropReason::NotPxe:
            return "not_pxe_client";
        case DropReason::NoBootFile:
            return "no_boot_file";
        case DropReason::Probe:
            return "rogue_probe";
        case DropReason::Count:
            break;
    }
    return "unknown";
}

Server::Server(ServerConfig config, const HostDirectory& directory)
    : config_(std::move(config)), directory_(directory) {}

std::shared_ptr<const BootTarget> Server::bootTarget(Ipv4 server_ip) const {
    std::lock_guard lock(targets_mu_);
    for (const auto& [ip, target] : targets_) {
        if (ip == server_ip)
            return target;
    }
    auto target = std::make_shared<const BootTarget>(makeBootTarget(config_.boot, server_ip));
    if (targets_.size() < kMaxBootTargets)
        targets_.emplace_back(server_ip, target);
    return target;
}

Exchange Server::dropped(DropReason reason, Exchange e) {
    drops_[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
    e.drop = reason;
    e.replies.clear();
    return e;
}

Exchange Server::exchange(const Packet& q, const RecvMeta& meta) {
    if (q.op != kBootRequest || q.htype != 1 || q.hlen != 6) {
        return dropped(DropReason::NotRequest);
    }
    if (!q.messageType())
        return dropped(DropReason::NoMessageType);
    std::optional<HostLease> lease = directory_.find(q.mac());
    if (!lease)
        return dropped(isProbeMac(q.mac()) ? DropReason::Probe : DropReason::UnknownMac);
    Exchange base;
    base.lease = lease;
    if (lease->ignore)
        return dropped(DropReason::Ignored, std::move(base));

    // The agent's address for this client: the one the relay reached, or the one of the
    // receiving interface that is on the host's subnet (multihoming).
    Ipv4 server_ip;
    const bool relayed = !q.giaddr.isZero();
    if (relayed) {
        if (!lease->subnet || !lease->subnet->cidr.contains(q.giaddr)) {
            return dropped(DropReason::RelaySubnet, std::move(base));
        }
        if (!meta.local.isZero() && meta.local != kBroadcast) {
            server_ip = meta.local;
        } else if (!meta.interface_addresses.empty()) {
            server_ip = meta.interface_addresses.front().address();
        }
    } else {
        for (const Cidr& c : meta.interface_addresses) {
            if (c.contains(lease->ip)) {
                server_ip = c.address();
                break;
            }
        }
        // In proxy mode the other server owns addressing; any address of the segment works.
        if (server_ip.isZero() && config_.mode == Mode::Proxy) {
            if (!meta.local.isZero() && meta.local != kBroadcast) {
                server_ip = meta.local;
            } else if (!meta.interface_addresses.empty()) {
                server_ip = meta.interface_addresses.front().address();
            }
        }
    }
    if (server_ip.isZero())
        return dropped(DropReason::NoAddress, std::move(base));

    Exchange e = config_.mode == Mode::Server ? serve(q, meta, *lease, server_ip)
                                              : proxy(q, meta, *lease, server_ip);
    if (!e.drop)
        replies_.fetch_add(e.replies.size(), std::memory_order_relaxed);
    e.lease = std::move(lease);
    return e;
}

Packet Server::baseReply(const Packet& q, MessageType type, Ipv4 server_ip) const {
    Packet r;
    r.options.reserve(16);  // a full reply, without regrowing the option list
    r.op = kBootReply;
    r.htype = q.htype;
    r.hlen = q.hlen;
    r.xid = q.xid;
    r.flags = q.flags;
    r.giaddr = q.giaddr;
    r.chaddr = q.chaddr;
    r.options.setU8(opt::kMessageType, static_cast<uint8_t>(type));
    r.options.setIp(opt::kServerId, server_ip);
    return r;
}

void Server::addLeaseOptions(Packet& r, const HostLease& lease, bool with_lease_time) const {
    if (with_lease_time) {
        const uint32_t t = config_.lease_seconds;
        r.options.setU32(opt::kLeaseTime, t);
        if (t != 0xffffffffu) {
            r.options.setU32(opt::kRenewalTime, t / 2);
            r.options.setU32(opt::kRebindingTime, static_cast<uint32_t>(uint64_t{t} * 7 / 8));
        }
    }
    if (lease.subnet) {
        const SubnetInfo& s = *lease.subnet;
        r.options.setIp(opt::kSubnetMask, s.cidr.mask());
        if (s.gateway)
            r.options.setIp(opt::kRouter, *s.gateway);
        if (!s.dns.empty())
            r.options.setIps(opt::kDns, s.dns);
        if (!lease.hostname.empty())
            r.options.setStr(opt::kHostname, lease.hostname);
        if (!s.domain.empty())
            r.options.setStr(opt::kDomainName, s.domain);
        if (!s.ntp.empty())
            r.options.setIps(opt::kNtp, s.ntp);
        for (const RawOption& o : s.extra_options)
            r.options.set(o);
    } else if (!lease.hostname.empty()) {
        r.options.setStr(opt::kHostname, lease.hostname);
    }
}

Reply Server::address(Packet r, const Packet& q, const RecvMeta& meta, Ipv4 server_ip) const {
    // RFC 2131 4.1, "If the 'giaddr' field ... is zero": the order below is the RFC's.
    Reply out;
    out.max_size = maxReplySize(q);
    out.ifindex = meta.ifindex;
    out.source = server_ip;
    if (meta.local_port == kPxePort) {
        // PXE boot-server replies go back where the request came from: EDK2 listens on
        // 4011, iPXE on 68.
        out.destination = meta.source.isZero() ? kBroadcast : meta.source;
        out.port = meta.source_port;
    } else if (!q.giaddr.isZero()) {
        out.destination = q.giaddr;
        out.port = kServerPort;
    } else if (r.messageType() == MessageType::Nak) {
        out.destination = kBroadcast;
    } else if (!q.ciaddr.isZero()) {
        out.destination = q.ciaddr;
    } else if (q.broadcastFlag() || r.yiaddr.isZero()) {
        out.destination = kBroadcast;
    } else {
        out.destination = r.yiaddr;
        out.needs_neighbor = true;
    }
    out.packet = std::move(r);
    return out;
}

Exchange Server::serve(const Packet& q,
                       const RecvMeta& meta,
                       const HostLease& lease,
                       Ipv4 server_ip) {
    Exchange e;
    const MessageType type = *q.messageType();
    std::string who;
    who.reserve(64);
    who += "mac=";
    appendMac(who, lease.mac);
    who += " ip=";
    appendIp(who, lease.ip);
    auto withBoot = [&](Packet& r) {
        if (!lease.boot) {
            e.detail += " boot=none";
            return;
        }
        ClientInfo client = inspectClient(q);
        BootDecision d = chooseBoot(client, *bootTarget(server_ip));
        if (d.unknown_arch) {
            e.unknown_arch = true;
            e.detail += " arch=";
            appendDecimal(e.detail, d.arch.value_or(0));
        }
        if (d.kind == BootDecision::Kind::None) {
            e.detail += " boot=";
            e.detail += d.reason;
            return;
        }
        r.siaddr = server_ip;
        setBootFile(r, d.file);
        if (client.http_client)
            r.options.setStr(opt::kVendorClass, "HTTPClient");
        if (d.kind == BootDecision::Kind::IpxeScript) {
            // 175.176 = 1: iPXE need not wait for ProxyDHCP offers (saves ~2 s per boot).
            r.options.set(opt::kIpxeEncap, encodeSubOptions({{ipxe_opt::kNoPxeDhcp, {1}}}));
        }
        e.detail += " boot=";
        e.detail += d.reason;
        e.detail += " file=";
        e.detail += d.file;
    };
    auto finish = [&](Packet r) {
        if (const RawOption* agent = q.options.find(opt::kRelayAgent);
            agent && !q.giaddr.isZero()) {
            r.options.set(*agent);  // RFC 3046: echoed, last
        }
        e.replies.push_back(address(std::move(r), q, meta, server_ip));
    };

    switch (type) {
        case MessageType::Discover: {
            Packet r = baseReply(q, MessageType::Offer, server_ip);
            r.yiaddr = lease.ip;
            addLeaseOptions(r, lease, true);
            e.kind = "DHCP_OFFER";
            e.detail = std::move(who);
            withBoot(r);
            finish(std::move(r));
            return e;
        }
        case MessageType::Request: {
            if (auto sid = q.options.ip(opt::kServerId)) {
                bool ours = *sid == server_ip;
                for (const Cidr& c : meta.interface_addresses)
                    ours = ours || c.address() == *sid;
                if (!ours) {
                    e.kind = "DHCP_OTHER_SERVER_SELECTED";
                    e.detail = fmt::format("{} server={}", who, sid->toString());
                    return dropped(DropReason::NotForUs, std::move(e));
                }
            }
            Ipv4 requested = q.options.ip(opt::kRequestedIp).value_or(q.ciaddr);
            if (requested != lease.ip) {
                Packet r = baseReply(q, MessageType::Nak, server_ip);
                r.options.setStr(opt::kMessage, "address not assigned to this host");
                e.kind = "DHCP_NAK";
                e.detail = fmt::format("{} requested={}", who, requested.toString());
                finish(std::move(r));
                return e;
            }
            Packet r = baseReply(q, MessageType::Ack, server_ip);
            r.ciaddr = q.ciaddr;
            r.yiaddr = lease.ip;
            addLeaseOptions(r, lease, true);
            e.kind = "DHCP_ACK";
            e.detail = std::move(who);
            withBoot(r);
            finish(std::move(r));
            return e;
        }
        case MessageType::Inform: {
            Packet r = baseReply(q, MessageType::Ack, server_ip);
            r.ciaddr = q.ciaddr;
            addLeaseOptions(r, lease, false);
            e.kind = "DHCP_INFORM";
            e.detail = who;
            finish(std::move(r));
            return e;
        }
        case MessageType::Decline:
            e.kind = "DHCP_DECLINE";
            e.detail = fmt::format("{} declined={}", who,
                                   q.options.ip(opt::kRequestedIp).value_or(q.ciaddr).toString());
            return e;
        case MessageType::Release:
            e.kind = "DHCP_RELEASE";
            e.detail = who;
            return e;
        default:
            return dropped(DropReason::Unsupported, std::move(e));
    }
}

Exchange Server::proxy(const Packet& q,
                       const RecvMeta& meta,
                       const HostLease& lease,
                       Ipv4 server_ip) {
    Exchange e;
    const MessageType type = *q.messageType();
    const bool boot_server = meta.local_port == kPxePort;
    ClientInfo client = inspectClient(q);
    e.detail.reserve(64);
    e.detail += "mac=";
    appendMac(e.detail, lease.mac);
    if (!client.pxe_client && !client.http_client)
        return dropped(DropReason::NotPxe, std::move(e));
    if (boot_server ? type != MessageType::Request : type != MessageType::Discover) {
        return dropped(DropReason::Unsupported, std::move(e));
    }
    if (!lease.boot)
        return dropped(DropReason::NoBootFile, std::move(e));
    BootDecision d = chooseBoot(client, *bootTarget(server_ip));
    e.unknown_arch = d.unknown_arch;
    if (d.kind == BootDecision::Kind::None) {
        e.detail += fmt::format(" boot={} arch={}", d.reason, d.arch.value_or(0));
        return dropped(DropReason::NoBootFile, std::move(e));
    }
    Packet r = baseReply(q, boot_server ? MessageType::Ack : MessageType::Offer, server_ip);
    r.ciaddr = boot_server ? q.ciaddr : Ipv4();
    r.siaddr = server_ip;
    r.sname = server_ip.toString();
    setBootFile(r, d.file);
    r.options.setStr(opt::kVendorClass, client.http_client ? "HTTPClient" : "PXEClient");
    if (client.guid)
        r.options.set(opt::kClientGuid, *client.guid);
    // BIOS ROMs and iPXE take the file from this offer ("skip discovery"). UEFI firmware
    // gets no option 43, so it asks the boot server on 4011: some ignore proxy offers
    // that try to bypass discovery.
    const bool uefi_firmware = !client.ipxe && d.arch && *d.arch != arch::kBios;
    if (!boot_server && !uefi_firmware) {
        r.options.set(
            opt::kVendorSpecific,
            encodeSubOptions({{pxe_opt::kDiscoveryControl, {pxe_opt::kDiscoveryBootFileOnly}}}));
    }
    if (const RawOption* agent = q.options.find(opt::kRelayAgent); agent && !q.giaddr.isZero()) {
        r.options.set(*agent);
    }
    e.kind = boot_server ? "DHCP_PROXY_ACK" : "DHCP_PROXY_OFFER";
    e.detail += " boot=";
    e.detail += d.reason;
    e.detail += " file=";
    e.detail += d.file;
    e.replies.push_back(address(std::move(r), q, meta, server_ip));
    return e;
}

}  // namespace vq::dhcp
