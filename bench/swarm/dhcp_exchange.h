#pragma once
// One DHCP DORA as a given firmware does it: DISCOVER until an OFFER, REQUEST until an ACK,
// each retransmitted on the firmware's own schedule; a NAK starts over from DISCOVER once.
#include <optional>
#include <string>
#include <utility>  // boost 1.74 awaitable.hpp uses std::exchange without it

#include "dhcp_link.h"
#include "firmware.h"
#include "timeline.h"
#include <boost/asio/awaitable.hpp>

#include "base/ipv4.h"
#include "base/mac_addr.h"

namespace vq::swarm {

struct Lease {
    Ipv4 address;
    Ipv4 server_id;
    Ipv4 next_server;       // siaddr, else option 66, else the server id
    std::string boot_file;  // `file`, else option 67
    std::string hostname;
    std::string domain;
};

// Marks "<prefix>discover", "<prefix>offer", "<prefix>ack" on the timeline; nullopt (and
// the timeline's error) when the firmware would give up.
boost::asio::awaitable<std::optional<Lease>> dhcpExchange(DhcpLink& link,
                                                          Firmware firmware,
                                                          DhcpStage stage,
                                                          const MacAddr& mac,
                                                          Timeline& timeline,
                                                          const std::string& prefix);

}  // namespace vq::swarm
