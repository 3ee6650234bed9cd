#pragma once
// A DHCPv4 message (RFC 2131) and its options (RFC 2132), decoded from and encoded to
// the wire. decode() never throws and never reads out of bounds: malformed input is an
// error Result. Options keep their order; a code that appears several times is
// concatenated (RFC 3396), and options carried in `file`/`sname` (option 52) are merged.
#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/ipv4.h"
#include "base/mac_addr.h"
#include "base/result.h"
#include "dhcp/codec/option_codes.h"

namespace vq::dhcp {

struct RawOption {
    uint8_t code = 0;
    std::vector<uint8_t> data;
    bool operator==(const RawOption&) const = default;
};

class Options {
public:
    const std::vector<RawOption>& all() const { return list_; }
    bool has(uint8_t code) const { return find(code) != nullptr; }
    const RawOption* find(uint8_t code) const;
    // Replaces an existing option of that code or appends it.
    void set(uint8_t code, std::vector<uint8_t> data);
    void set(RawOption option) { set(option.code, std::move(option.data)); }
    // Appends to the data of an existing option (RFC 3396 concatenation) or adds it.
    void append(uint8_t code, std::span<const uint8_t> data);
    void remove(uint8_t code);
    void reserve(size_t n) { list_.reserve(n); }

    // Typed views; nullopt when absent or of the wrong size.
    std::optional<uint8_t> u8(uint8_t code) const;
    std::optional<uint16_t> u16(uint8_t code) const;
    std::optional<uint32_t> u32(uint8_t code) const;
    std::optional<Ipv4> ip(uint8_t code) const;
    std::optional<std::string> str(uint8_t code) const;

    void setU8(uint8_t code, uint8_t v) { set(code, {v}); }
    void setU16(uint8_t code, uint16_t v);
    void setU32(uint8_t code, uint32_t v);
    void setIp(uint8_t code, Ipv4 ip) { setU32(code, ip.value()); }
    void setIps(uint8_t code, std::span<const Ipv4> ips);
    void setStr(uint8_t code, std::string_view s);

private:
    std::vector<RawOption> list_;
};

struct Packet {
    uint8_t op = kBootRequest;
    uint8_t htype = 1;  // Ethernet
    uint8_t hlen = 6;
    uint8_t hops = 0;
    uint32_t xid = 0;
    uint16_t secs = 0;
    uint16_t flags = 0;
    Ipv4 ciaddr;
    Ipv4 yiaddr;
    Ipv4 siaddr;
    Ipv4 giaddr;
    std::array<uint8_t, 16> chaddr{};
    std::string sname;  // up to 63 bytes on the wire
    std::string file;   // up to 127 bytes on the wire
    Options options;

    MacAddr mac() const;
    void setMac(const MacAddr& mac);
    bool broadcastFlag() const { return (flags & kBroadcastFlag) != 0; }
    std::optional<MessageType> messageType() const;
};

inline constexpr size_t kFixedHeaderSize = 236;
inline constexpr size_t kSnameOffset = 44;  // 64 bytes
inline constexpr size_t kFileOffset = 108;  // 128 bytes
inline constexpr size_t kSnameSize = 64;
inline constexpr size_t kFileSize = 128;
// Replies are padded to the BOOTP message size, which some relays and ROMs expect.
inline constexpr size_t kBootpMinimum = 300;
inline constexpr uint32_t kMagicCookie = 0x63825363;

// Size limits. RFC 2131 section 2: every client accepts a 576-octet IP datagram; a client
// may announce a larger one in option 57 (RFC 2132 9.10, values below 576 are not legal).
// Like ISC dhcpd and Kea, the limit counts the IP and UDP headers.
inline constexpr size_t kMinDatagram = 576;
inline constexpr size_t kIpUdpOverhead = 28;
// Larger announcements are capped at what one Ethernet frame carries unfragmented.
inline constexpr size_t kMaxDatagram = 1500;
inline constexpr size_t kMinReplySize = kMinDatagram - kIpUdpOverhead;  // 548

// The largest DHCP message (UDP payload) a reply to `query` may be: option 57 when it is
// at least 576 (capped at 1500), else 576; minus the IP and UDP headers.
size_t maxReplySize(const Packet& query);

Result<Packet> decode(std::span<const uint8_t> wire);

// Encodes with the magic cookie and option 53 first, options longer than 255 bytes split
// (RFC 3396), padded to the 300-byte BOOTP minimum that some relays and ROMs expect.
std::vector<uint8_t> encode(const Packet& packet);
// The same into `out` (cleared first), reusing its capacity: no allocation per reply on
// the service's hot path once the buffer has grown.
void encodeTo(const Packet& packet, std::vector<uint8_t>& out);

// What encoding within a size limit did. A small value: no allocation on the hot path.
struct EncodeResult {
    // False when even the options that are never dropped do not fit: `out` is then empty
    // and nothing should be sent.
    bool ok = true;
    uint8_t overload = 0;      // option 52 value used: 1 = file, 2 = sname, 3 = both
    std::bitset<256> dropped;  // codes left out so that the rest fits
    bool trimmed() const { return dropped.any(); }
    std::string droppedList() const;  // "43,224", ascending
};

// Encodes within `max_size` bytes (a DHCP message size, see maxReplySize). When the
// options do not fit in the options field, they continue in the `file` field and then in
// `sname` (option 52, RFC 2132 9.3), but only in a field the packet leaves empty: a boot
// file name in `file` stays there, for ROMs that read nothing else. Options 53, 54 and 82
// (which relays look for) stay in the options field. When that is still not enough, whole
// options are dropped, least important first: options the server does not generate itself
// (a subnet's extra dhcp_options) before the standard ones (58, 59, 42, 15, 12, 6, ...);
// 53, 54, 51, 1, 3, 82 and the boot options 60, 43, 66, 67, 97, 175 are never dropped.
// The common case, everything fits, costs one size comparison more than encodeTo().
EncodeResult encodeTo(const Packet& packet, std::vector<uint8_t>& out, size_t max_size);

}  // namespace vq::dhcp
