#pragma once
// Ethernet + IPv4 + UDP framing for the DHCP half of a simulated boot: firmware sends its
// DISCOVER and REQUEST from 0.0.0.0 before it has an address, so the swarm writes whole
// frames on a packet socket, one source MAC per simulated machine.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace vq::swarm {

using EtherAddr = std::array<uint8_t, 6>;
inline constexpr EtherAddr kEtherBroadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct UdpEndpoints {
    EtherAddr src_mac{};
    EtherAddr dst_mac{};
    uint32_t src_ip = 0;  // host byte order
    uint32_t dst_ip = 0;
    uint16_t src_port = 0;
    uint16_t dst_port = 0;
};

// A frame carrying `payload`, IPv4 header checksummed, UDP checksum 0 (none, RFC 768).
std::vector<uint8_t> buildUdpFrame(const UdpEndpoints& ends, std::span<const uint8_t> payload);

struct UdpFrame {
    UdpEndpoints ends;
    std::span<const uint8_t> payload;  // view into the frame
};

// Parses an Ethernet II / IPv4 / UDP frame; nullopt for anything else, fragments included.
std::optional<UdpFrame> parseUdpFrame(std::span<const uint8_t> frame);

}  // namespace vq::swarm
