// The hot-path helpers give the same bytes and text as the general ones they replace.
#include <gtest/gtest.h>

#include "dhcp/codec/packet.h"
#include "dhcp/server/detail_text.h"
#include "dhcp/server/server.h"
#include "dhcp/testing/fixture_hosts.h"
#include "dhcp/testing/sim_client.h"

namespace vq::dhcp {
namespace {

TEST(DetailText, IpMatchesToString) {
    for (uint32_t v : {0u, 1u, 0x0a63000au, 0xc0a80101u, 0xffffffffu, 0x01020304u, 0x640a0b63u}) {
        std::string s = "x=";
        appendIp(s, Ipv4(v));
        EXPECT_EQ(s, "x=" + Ipv4(v).toString());
    }
}

TEST(DetailText, MacMatchesToString) {
    for (const char* text : {"00:0c:01:02:03:04", "ff:ff:ff:ff:ff:ff", "52:54:00:ab:cd:ef"}) {
        MacAddr mac = *MacAddr::parse(text);
        std::string s;
        appendMac(s, mac);
        EXPECT_EQ(s, mac.toString());
    }
}

TEST(DetailText, Decimal) {
    for (unsigned v : {0u, 7u, 10u, 255u, 65535u, 4294967295u}) {
        std::string s;
        appendDecimal(s, v);
        EXPECT_EQ(s, std::to_string(v));
    }
}

Packet sampleReply(size_t long_option) {
    Packet p;
    p.op = kBootReply;
    p.hops = 1;
    p.xid = 0x01020304;
    p.secs = 0x0506;
    p.flags = kBroadcastFlag;
    p.ciaddr = Ipv4(0x0a000001);
    p.yiaddr = Ipv4(0x0a000002);
    p.siaddr = Ipv4(0x0a000003);
    p.giaddr = Ipv4(0x0a000004);
    p.setMac(*MacAddr::parse("52:54:00:12:34:56"));
    p.sname = std::string(70, 's');  // truncated to 63 on the wire
    p.file = "undionly.kpxe";
    p.options.setIp(opt::kServerId, Ipv4(0x0a000001));
    p.options.setU8(opt::kMessageType, static_cast<uint8_t>(MessageType::Offer));
    p.options.setU32(opt::kLeaseTime, 3600);
    p.options.set(opt::kVendorSpecific, std::vector<uint8_t>(long_option, 0x42));
    return p;
}

TEST(EncodeTo, SameBytesAsEncodeAndReusesTheBuffer) {
    std::vector<uint8_t> out(2000, 0xee);  // stale content must not leak into the reply
    for (size_t n : {0u, 4u, 300u, 600u, 3u}) {
        Packet p = sampleReply(n);
        encodeTo(p, out);
        EXPECT_EQ(out, encode(p)) << n;
        auto back = decode(out);
        ASSERT_TRUE(back) << back.message();
        EXPECT_EQ(back->xid, p.xid);
        EXPECT_EQ(back->sname, std::string(63, 's'));
        EXPECT_EQ(back->options.find(opt::kVendorSpecific)->data.size(), n);
        EXPECT_EQ(out[kFixedHeaderSize + 4], opt::kMessageType);  // option 53 first
    }
}

TEST(EncodeTo, ShortRepliesArePaddedToBootpMinimum) {
    Packet p;
    p.op = kBootReply;
    std::vector<uint8_t> out;
    encodeTo(p, out);
    EXPECT_EQ(out.size(), 300u);
}

// Boot targets are built once per agent address: requests reaching different addresses
// of the agent, interleaved, still get the URLs of their own address.
TEST(BootTargetCache, EachAgentAddressKeepsItsOwnUrls) {
    using namespace vq::dhcp::testing;
    StaticDirectory dir = labDirectory();
    Server server(ServerConfig{Mode::Server, 7200, BootSettings{}}, dir);
    const MacAddr m = mac("52:54:00:00:00:01");
    for (int round = 0; round < 3; ++round) {
        for (const char* agent : {"10.99.0.1", "10.99.0.2", "10.99.0.3"}) {
            RecvMeta meta = directMeta();
            meta.local = ip(agent);
            meta.interface_addresses = {*Cidr::parse(std::string(agent) + "/24")};
            auto replies = server.handle(makeDiscover(ipxeBios(m), 7), meta);
            ASSERT_EQ(replies.size(), 1u);
            EXPECT_EQ(replies[0].packet.file, "http://" + std::string(agent) + ":24602/boot.ipxe");
            EXPECT_EQ(replies[0].packet.siaddr, ip(agent));
        }
    }
}

// The event detail keeps its key=value text.
TEST(ExchangeDetail, OfferDetailNamesMacAndAddress) {
    using namespace vq::dhcp::testing;
    StaticDirectory dir = labDirectory();
    Server server(ServerConfig{Mode::Server, 7200, BootSettings{}}, dir);
    Exchange e = server.exchange(makeDiscover(ipxeBios(mac("52:54:00:00:00:01")), 7), directMeta());
    EXPECT_EQ(e.kind, "DHCP_OFFER");
    EXPECT_EQ(e.detail.rfind("mac=52:54:00:00:00:01 ip=10.99.0.11 boot=", 0), 0u) << e.detail;
    EXPECT_NE(e.detail.find(" file=http://10.99.0.1:24602/boot.ipxe"), std::string::npos);
}

}  // namespace
}  // namespace vq::dhcp
