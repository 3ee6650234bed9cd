#pragma once
// A firmware's TFTP read of its boot file: a tsize probe (RRQ, OACK, ERROR 8, as EDK2 and
// PXE ROMs do, each from a port of its own), then the transfer with the block and window sizes it
// asks for, acknowledging each window, re-acknowledging at a gap, retransmitting on its timeout.
#include <string>
#include <utility>  // boost 1.74 awaitable.hpp uses std::exchange without it

#include "firmware.h"
#include "timeline.h"
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>

namespace vq::swarm {

// The tsize probe alone: RRQ with tsize and blksize, then ERROR 8 to the transfer the OACK
// opened. False (and the timeline's error) when the server never answered.
boost::asio::awaitable<bool> tftpProbe(boost::asio::ip::udp::socket& socket,
                                       boost::asio::ip::udp::endpoint server,
                                       const std::string& file,
                                       const TftpBehaviour& how,
                                       Timeline& timeline);

// The transfer (no probe): the bytes received, or 0 with the timeline's error set. `socket` is open
// and bound to the machine's address and interface.
boost::asio::awaitable<size_t> tftpFetch(boost::asio::ip::udp::socket& socket,
                                         boost::asio::ip::udp::endpoint server,
                                         const std::string& file,
                                         const TftpBehaviour& how,
                                         Timeline& timeline);

}  // namespace vq::swarm
