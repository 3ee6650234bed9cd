#include "udp_frame.h"

#include <algorithm>

namespace vq::swarm {

namespace {

constexpr size_t kEtherHeader = 14;
constexpr size_t kIpHeader = 20;
constexpr size_t kUdpHeader = 8;

void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
    put16(p, static_cast<uint16_t>(v >> 16));
    put16(p + 2, static_cast<uint16_t>(v));
}
uint16_t get16(const uint8_t* p) {
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
uint32_t get32(const uint8_t* p) {
    return (static_cast<uint32_t>(get16(p)) << 16) | get16(p + 2);
}

uint16_t ipChecksum(const uint8_t* header, size_t size) {
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < size; i += 2)
        sum += get16(header + i);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

}  // namespace

std::vector<uint8_t> buildUdpFrame(const UdpEndpoints& ends, std::span<const uint8_t> payload) {
    std::vector<uint8_t> f(kEtherHeader + kIpHeader + kUdpHeader + payload.size());
    uint8_t* p = f.data();
    std::copy(ends.dst_mac.begin(), ends.dst_mac.end(), p);
    std::copy(ends.src_mac.begin(), ends.src_mac.end(), p + 6);
    put16(p + 12, 0x0800);
    uint8_t* ip = p + kEtherHeader;
    ip[0] = 0x45;
    put16(ip + 2, static_cast<uint16_t>(kIpHeader + kUdpHeader + payload.size()));
    ip[8] = 64;  // TTL
    ip[9] = 17;  // UDP
    put32(ip + 12, ends.src_ip);
    put32(ip + 16, ends.dst_ip);
    put16(ip + 10, ipChecksum(ip, kIpHeader));
    uint8_t* udp = ip + kIpHeader;
    put16(udp, ends.src_port);
    put16(udp + 2, ends.dst_port);
    put16(udp + 4, static_cast<uint16_t>(kUdpHeader + payload.size()));
    std::copy(payload.begin(), payload.end(), udp + kUdpHeader);
    return f;
}

std::optional<UdpFrame> parseUdpFrame(std::span<const uint8_t> frame) {
    if (frame.size() < kEtherHeader + kIpHeader + kUdpHeader)
        return std::nullopt;
    const uint8_t* p = frame.data();
    if (get16(p + 12) != 0x0800)
        return std::nullopt;
    const uint8_t* ip = p + kEtherHeader;
    const size_t ihl = static_cast<size_t>(ip[0] & 0x0f) * 4;
    if ((ip[0] >> 4) != 4 || ihl < kIpHeader || ip[9] != 17 || (get16(ip + 6) & 0x3fff) != 0)
        return std::nullopt;
    const size_t ip_total = get16(ip + 2);
    if (ip_total < ihl + kUdpHeader || kEtherHeader + ip_total > frame.size())
        return std::nullopt;
    const uint8_t* udp = ip + ihl;
    const size_t udp_len = get16(udp + 4);
    if (udp_len < kUdpHeader || udp_len > ip_total - ihl)
        return std::nullopt;
    UdpFrame out;
    std::copy(p, p + 6, out.ends.dst_mac.begin());
    std::copy(p + 6, p + 12, out.ends.src_mac.begin());
    out.ends.src_ip = get32(ip + 12);
    out.ends.dst_ip = get32(ip + 16);
    out.ends.src_port = get16(udp);
    out.ends.dst_port = get16(udp + 2);
    out.payload = frame.subspan(kEtherHeader + ihl + kUdpHeader, udp_len - kUdpHeader);
    return out;
}

}  // namespace vq::swarm
