#pragma once
// One simulated machine booting from power-on to its checkpoint: firmware DHCP, TFTP of the
// boot file, iPXE's own DHCP, its script, kernel and initrd, then what the installed OS does:
// fetch its config and call the checkpoint URL found in it.
#include <chrono>
#include <string>
#include <utility>  // boost 1.74 awaitable.hpp uses std::exchange without it

#include "dhcp_link.h"
#include "firmware.h"
#include "timeline.h"
#include <boost/asio/awaitable.hpp>

#include "base/ipv4.h"
#include "base/mac_addr.h"

namespace vq::swarm {

struct MachineSpec {
    std::string ifname;  // its own interface (a macvlan), holding `address`
    MacAddr mac;
    Ipv4 address;  // what DHCP must hand it
    Firmware firmware = Firmware::IpxeRom;
};

struct BootLimits {
    // Per GET, connection included. iPXE itself has no such limit (only TCP's), so it is
    // generous: it ends a machine that would otherwise wait for ever.
    std::chrono::milliseconds http_request{300000};
};

boost::asio::awaitable<void> bootMachine(DhcpLink& link,
                                         const MachineSpec& spec,
                                         const BootLimits& limits,
                                         Timeline& timeline);

}  // namespace vq::swarm
