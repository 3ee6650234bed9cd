#pragma once
// The DHCP protocol core: one request in, the replies (with where to send them) out.
// No sockets, no clocks, no threads: the service feeds it, tests call it directly.
//   Mode::Server  answers DISCOVER/REQUEST/INFORM (and records DECLINE/RELEASE) for the
//                 MACs the HostDirectory knows, with their inventory address and options.
//   Mode::Proxy   leaves addresses to another server and answers PXE clients it knows
//                 with boot information only, on port 67 and on 4011.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/ipv4.h"
#include "base/mac_addr.h"
#include "dhcp/codec/packet.h"
#include "dhcp/server/boot_policy.h"
#include "dhcp/server/directory.h"

namespace vq::dhcp {

struct ServerConfig {
    Mode mode = Mode::Server;
    uint32_t lease_seconds = 3600;
    BootSettings boot;
};

// Where and how a request arrived.
struct RecvMeta {
    int ifindex = 0;
    uint16_t local_port = kServerPort;  // 67, or 4011 for PXE boot-server requests
    Ipv4 source;
    uint16_t source_port = kClientPort;
    Ipv4 local;  // the local address the datagram was for (IP_PKTINFO ipi_spec_dst)
    std::vector<Cidr> interface_addresses;  // the receiving interface's own addresses
};

struct Reply {
    Packet packet;
    Ipv4 destination;
    uint16_t port = kClientPort;
    int ifindex = 0;  // leave through the interface the request came in on
    Ipv4 source;      // the agent's address on that interface
    // Unicast to a client that has no address yet: the sender must install a neighbour
    // entry for destination -> packet.mac() first (or fall back to broadcast).
    bool needs_neighbor = false;
    // The largest DHCP message the client accepts (maxReplySize of the request): encode
    // with encodeTo(packet, out, max_size).
    size_t max_size = kMinReplySize;
};

enum class DropReason : uint8_t {
    NotRequest,     // op is BOOTREPLY, or not Ethernet
    NoMessageType,  // BOOTP or garbage option 53
    UnknownMac,     // not in the inventory
    Ignored,        // interface.ignore_dhcp
    NotForUs,       // REQUEST selecting another server
    NoAddress,      // no interface address in the host's subnet (wrong segment)
    RelaySubnet,    // giaddr is not in the host's subnet
    Unsupported,    // message type this mode does not answer
    NotPxe,         // proxy mode: not a PXE/HTTP boot client
    NoBootFile,     // proxy mode: nothing to offer (never_provision, bmc, unknown arch)
    Probe,          // a rogue-server probe (this agent's or another's), not a host
    Count,
};
const char* dropReasonName(DropReason reason);

// What one request led to: the replies plus what to log and record on the host timeline.
struct Exchange {
    std::vector<Reply> replies;
    std::optional<DropReason> drop;
    std::optional<HostLease> lease;
    std::string kind;    // event name: DHCP_OFFER, DHCP_ACK, DHCP_NAK, DHCP_DECLINE, ...
    std::string detail;  // key=value pairs
    bool unknown_arch = false;
};

class Server {
public:
    Server(ServerConfig config, const HostDirectory& directory);

    Exchange exchange(const Packet& query, const RecvMeta& meta);
    std::vector<Reply> handle(const Packet& query, const RecvMeta& meta) {
        return exchange(query, meta).replies;
    }

    const ServerConfig& config() const { return config_; }
    uint64_t drops(DropReason reason) const {
        return drops_[static_cast<size_t>(reason)].load(std::memory_order_relaxed);
    }
    uint64_t replies() const { return replies_.load(std::memory_order_relaxed); }

private:
    Exchange serve(const Packet& q, const RecvMeta& meta, const HostLease& lease, Ipv4 server_ip);
    Exchange proxy(const Packet& q, const RecvMeta& meta, const HostLease& lease, Ipv4 server_ip);
    Packet baseReply(const Packet& q, MessageType type, Ipv4 server_ip) const;
    void addLeaseOptions(Packet& r, const HostLease& lease, bool with_lease_time) const;
    Reply address(Packet r, const Packet& q, const RecvMeta& meta, Ipv4 server_ip) const;
    Exchange dropped(DropReason reason, Exchange e = {});
    // The boot target of one agent address, built once: its URLs are the same for every
    // request that reaches that address.
    std::shared_ptr<const BootTarget> bootTarget(Ipv4 server_ip) const;

    ServerConfig config_;
    const HostDirectory& directory_;
    std::array<std::atomic<uint64_t>, static_cast<size_t>(DropReason::Count)> drops_{};
    std::atomic<uint64_t> replies_{0};
    mutable std::mutex targets_mu_;
    mutable std::vector<std::pair<Ipv4, std::shared_ptr<const BootTarget>>> targets_;
};

}  // namespace vq::dhcp
