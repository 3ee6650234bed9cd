#pragma once
// The active side of rogue-server detection. On a switched network the replies another
// server unicasts to a host never reach the agent, so a rogue can stay unnoticed until a
// machine fails to boot. Every `interval` the agent asks for itself, as dedicated rogue-DHCP
// monitors do: it broadcasts a DHCPDISCOVER on each served interface from a locally
// administered MAC derived from the interface (02:76:71:xx:xx:xx, never in the inventory,
// recognisable in other servers' logs), with the broadcast flag so that answers reach the
// agent's port 68. An OFFER to that MAC and xid from a server that is not this agent is a
// rogue; in proxy mode, where another server hands out addresses by design, only one that
// also offers a boot file is. Pure: the service broadcasts what due() returns and feeds
// match() what port 68 hears.
//
//   RogueProbe probe(mode, probeMac(iface.mac, iface.name), std::chrono::seconds(300));
//   if (auto discover = probe.due(clock.now(), random_xid)) broadcast(*discover);
//   if (auto s = probe.match(heard, source, own_addresses, clock.now())) warn(*s);
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "dhcp/codec/packet.h"
#include "dhcp/server/directory.h"

namespace vq::dhcp {

// Locally administered, unicast; 0x76 0x71 = "vq".
inline constexpr std::array<uint8_t, 3> kProbeMacPrefix{0x02, 0x76, 0x71};

// The probe MAC of one interface: the prefix and 24 bits of a hash of the interface's own
// MAC and name, so it is stable across restarts and differs between agents.
MacAddr probeMac(const MacAddr& interface_mac, std::string_view interface_name);
bool isProbeMac(const MacAddr& mac);

// What the probe broadcasts: a DHCPDISCOVER shaped like a BIOS PXE ROM's (so that servers
// answering only PXE clients answer too), broadcast flag set.
Packet makeProbeDiscover(const MacAddr& mac, uint32_t xid);

// A reply that tells a client what to boot (file, option 67 or vendor class PXEClient).
bool offersBoot(const Packet& reply);

struct ProbeSighting {
    Ipv4 server;  // option 54, else the datagram's source
    Ipv4 offered;
    MacAddr probe_mac;
    bool first = true;  // false when the same server answers the same probe again
};

class RogueProbe {
public:
    // `window`: how long after a probe its answers count (at most `interval`).
    RogueProbe(Mode mode,
               MacAddr mac,
               Duration interval,
               Duration window = std::chrono::seconds(5));

    // The DISCOVER to broadcast when a probe is due at `now` (the first one at the first
    // call); answers to `xid` count from then on for the window.
    std::optional<Packet> due(TimePoint now, uint32_t xid);
    // A reply heard on port 68; a sighting when it answers the open probe and comes from
    // a server that is not this agent (`own`: the agent's addresses).
    std::optional<ProbeSighting> match(const Packet& reply,
                                       Ipv4 source,
                                       std::span<const Ipv4> own,
                                       TimePoint now);

    const MacAddr& mac() const { return mac_; }
    TimePoint nextProbe() const { return next_; }
    uint64_t probesSent() const { return sent_; }

private:
    Mode mode_;
    MacAddr mac_;
    Duration interval_;
    Duration window_;
    TimePoint next_{};  // the epoch: the first call to due() probes
    TimePoint open_until_{};
    uint32_t xid_ = 0;
    uint64_t sent_ = 0;
    std::vector<Ipv4> reported_;  // servers already named for the open probe
};

}  // namespace vq::dhcp
