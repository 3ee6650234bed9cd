#include "dhcp/codec/packet.h"

#include <gtest/gtest.h>

namespace vq::dhcp {
namespace {

Packet sample() {
    Packet p;
    p.xid = 0x11223344;
    p.flags = kBroadcastFlag;
    p.setMac(*MacAddr::parse("52:54:00:12:34:56"));
    p.options.setU8(opt::kMessageType, 1);
    p.options.setStr(opt::kVendorClass, "PXEClient:Arch:00000:UNDI:002001");
    p.options.setU16(opt::kClientArch, 0);
    return p;
}

TEST(Packet, RoundTripKeepsHeaderAndOptions) {
    Packet p = sample();
    p.ciaddr = *Ipv4::parse("10.99.0.7");
    p.giaddr = *Ipv4::parse("10.99.1.1");
    p.file = "undionly.kpxe";
    p.sname = "agent";
    auto wire = encode(p);
    EXPECT_GE(wire.size(), 300u);
    auto back = decode(wire);
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->xid, p.xid);
    EXPECT_TRUE(back->broadcastFlag());
    EXPECT_EQ(back->mac().toString(), "52:54:00:12:34:56");
    EXPECT_EQ(back->ciaddr, p.ciaddr);
    EXPECT_EQ(back->giaddr, p.giaddr);
    EXPECT_EQ(back->file, "undionly.kpxe");
    EXPECT_EQ(back->sname, "agent");
    EXPECT_EQ(back->messageType(), MessageType::Discover);
    EXPECT_EQ(back->options.u16(opt::kClientArch), 0);
    EXPECT_EQ(back->options.str(opt::kVendorClass), "PXEClient:Arch:00000:UNDI:002001");
}

TEST(Packet, MessageTypeIsEncodedFirst) {
    Packet p;
    p.options.setStr(opt::kHostname, "x");
    p.options.setU8(opt::kMessageType, 2);
    auto wire = encode(p);
    EXPECT_EQ(wire[240], opt::kMessageType);
}

TEST(Packet, LongOptionIsSplitAndConcatenatedBack) {
    Packet p = sample();
    std::vector<uint8_t> big(600);
    for (size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<uint8_t>(i);
    p.options.set(200, big);
    auto back = decode(encode(p));
    ASSERT_TRUE(back);
    ASSERT_NE(back->options.find(200), nullptr);
    EXPECT_EQ(back->options.find(200)->data, big);
}

TEST(Packet, OverloadedFileAndSnameCarryOptions) {
    Packet p = sample();
    auto wire = encode(p);
    // Option 52 = 3 (both fields), a hostname inside `file`, a domain inside `sname`.
    std::vector<uint8_t> extra{opt::kOverload, 1, 3};
    wire.insert(wire.begin() + 243, extra.begin(), extra.end());
    const size_t file_off = 108, sname_off = 44;
    const uint8_t host[] = {opt::kHostname, 2, 'n', '1', opt::kEnd};
    std::copy(std::begin(host), std::end(host), wire.begin() + file_off);
    const uint8_t dom[] = {opt::kDomainName, 1, 'd', opt::kEnd};
    std::copy(std::begin(dom), std::end(dom), wire.begin() + sname_off);
    auto back = decode(wire);
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->options.str(opt::kHostname), "n1");
    EXPECT_EQ(back->options.str(opt::kDomainName), "d");
    EXPECT_TRUE(back->file.empty());
    EXPECT_FALSE(back->options.has(opt::kOverload));
}

TEST(Packet, MalformedInputIsAnErrorNotACrash) {
    EXPECT_FALSE(decode({}));
    std::vector<uint8_t> short_pkt(100, 1);
    EXPECT_FALSE(decode(short_pkt));
    auto wire = encode(sample());
    auto no_cookie = wire;
    no_cookie[236] = 0;
    EXPECT_FALSE(decode(no_cookie));
    auto bad_op = wire;
    bad_op[0] = 9;
    EXPECT_FALSE(decode(bad_op));
    auto bad_hlen = wire;
    bad_hlen[2] = 17;
    EXPECT_FALSE(decode(bad_hlen));
    // An option whose length runs past the end.
    std::vector<uint8_t> trunc = wire;
    trunc.resize(243);
    trunc[240] = opt::kHostname;
    trunc[241] = 10;
    trunc[242] = 'a';
    auto r = decode(trunc);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("option 12 truncated"), std::string::npos);
}

TEST(Packet, MissingEndOptionIsTolerated) {
    auto wire = encode(sample());
    std::vector<uint8_t> cut(wire.begin(), wire.begin() + 243);  // just option 53
    auto back = decode(cut);
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->messageType(), MessageType::Discover);
}

TEST(Options, TypedAccessorsRejectWrongSizes) {
    Options o;
    o.set(opt::kLeaseTime, {1, 2, 3});
    EXPECT_FALSE(o.u32(opt::kLeaseTime));
    o.setU32(opt::kLeaseTime, 3600);
    EXPECT_EQ(o.u32(opt::kLeaseTime), 3600u);
    o.setStr(opt::kHostname, std::string("node\0", 5));
    EXPECT_EQ(o.str(opt::kHostname), "node");
    EXPECT_FALSE(o.ip(opt::kRouter));
}

}  // namespace
}  // namespace vq::dhcp
