#pragma once
// The "authoritative detector": the agent listens to the server->client traffic of the
// segments it serves and warns when another DHCP server answers one of its known hosts.
// In server mode any OFFER/ACK from another server for a known MAC is a conflict; in
// proxy mode another server handing out addresses is expected, so only a reply that also
// carries boot information (a competing PXE server) is. Pure: the caller feeds replies
// it overheard and the set of its own addresses.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "dhcp/codec/packet.h"
#include "dhcp/server/directory.h"

namespace vq::dhcp {

struct RogueSighting {
    Ipv4 server;  // option 54, else the datagram's source
    MacAddr mac;
    MessageType type = MessageType::Offer;
    Ipv4 offered;   // yiaddr
    Ipv4 expected;  // the inventory address
    std::string host_name;
    bool first = true;  // false when this (server, MAC) pair was reported recently
};

class RogueDetector {
public:
    RogueDetector(Mode mode,
                  const HostDirectory& directory,
                  const Clock& clock,
                  Duration repeat_after = std::chrono::minutes(1));

    void setOwnAddresses(std::vector<Ipv4> own) { own_ = std::move(own); }

    // A reply seen on the segment; a sighting when it is another server answering a known
    // host. `first` tells whether to warn loudly (once per pair and interval).
    std::optional<RogueSighting> observe(const Packet& reply, Ipv4 source);

    uint64_t sightings() const { return sightings_; }

private:
    Mode mode_;
    const HostDirectory& directory_;
    const Clock& clock_;
    Duration repeat_after_;
    std::vector<Ipv4> own_;
    std::map<std::pair<uint32_t, uint64_t>, TimePoint> last_warned_;
    uint64_t sightings_ = 0;
};

}  // namespace vq::dhcp
