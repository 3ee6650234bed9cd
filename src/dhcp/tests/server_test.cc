// Full mode, in process: simulated firmware and OS clients against the pure core.
#include "dhcp/server/server.h"

#include <gtest/gtest.h>

#include "dhcp/codec/client_info.h"
#include "dhcp/testing/fixture_hosts.h"
#include "dhcp/testing/sim_client.h"

namespace vq::dhcp {
namespace {

using namespace vq::dhcp::testing;

class FullMode : public ::testing::Test {
protected:
    StaticDirectory dir_ = labDirectory();
    Server server_{ServerConfig{Mode::Server, 7200, BootSettings{}}, dir_};
    RecvMeta meta_ = directMeta();

    Reply only(const Packet& q) {
        auto replies = server_.handle(q, meta_);
        EXPECT_EQ(replies.size(), 1u);
        return replies.empty() ? Reply{} : replies.front();
    }
};

TEST_F(FullMode, DoraGivesInventoryAddressAndSubnetOptions) {
    auto client = plainOs(mac("52:54:00:00:00:01"));
    Reply offer = only(makeDiscover(client, 42));
    const Packet& o = offer.packet;
    EXPECT_EQ(o.op, kBootReply);
    EXPECT_EQ(o.xid, 42u);
    EXPECT_EQ(o.messageType(), MessageType::Offer);
    EXPECT_EQ(o.yiaddr, ip("10.99.0.11"));
    EXPECT_EQ(o.options.ip(opt::kServerId), ip("10.99.0.1"));
    EXPECT_EQ(o.options.ip(opt::kSubnetMask), ip("255.255.255.0"));
    EXPECT_EQ(o.options.ip(opt::kRouter), ip("10.99.0.254"));
    EXPECT_EQ(o.options.find(opt::kDns)->data,
              (std::vector<uint8_t>{10, 99, 0, 53, 10, 99, 0, 54}));
    EXPECT_EQ(o.options.str(opt::kHostname), "node1");
    EXPECT_EQ(o.options.str(opt::kDomainName), "lab.example");
    EXPECT_EQ(o.options.ip(opt::kNtp), ip("10.99.0.123"));
    EXPECT_EQ(o.options.u32(opt::kLeaseTime), 7200u);
    EXPECT_EQ(o.options.u32(opt::kRenewalTime), 3600u);
    EXPECT_EQ(o.options.u32(opt::kRebindingTime), 6300u);
    EXPECT_EQ(o.options.ip(28), ip("10.99.0.255"));
    EXPECT_EQ(o.options.u8(23), 64);
    // A plain OS client gets no boot file.
    EXPECT_TRUE(o.file.empty());
    EXPECT_TRUE(o.siaddr.isZero());
    // No broadcast flag, no ciaddr: unicast to yiaddr with a neighbour entry.
    EXPECT_EQ(offer.destination, ip("10.99.0.11"));
    EXPECT_TRUE(offer.needs_neighbor);
    EXPECT_EQ(offer.port, kClientPort);
    EXPECT_EQ(offer.ifindex, 7);
    EXPECT_EQ(offer.source, ip("10.99.0.1"));

    Reply ack = only(makeRequest(client, 43, ip("10.99.0.11"), ip("10.99.0.1")));
    EXPECT_EQ(ack.packet.messageType(), MessageType::Ack);
    EXPECT_EQ(ack.packet.yiaddr, ip("10.99.0.11"));
    EXPECT_EQ(ack.packet.options.str(opt::kHostname), "node1");
}

TEST_F(FullMode, WireRoundTripOfTheOfferDecodesToTheSameFields) {
    Reply offer = only(makeDiscover(plainOs(mac("52:54:00:00:00:01")), 1));
    auto back = decode(encode(offer.packet));
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->yiaddr, ip("10.99.0.11"));
    EXPECT_EQ(back->options.all().size(), offer.packet.options.all().size());
}

TEST_F(FullMode, BroadcastFlagMeansBroadcastReply) {
    auto client = plainOs(mac("52:54:00:00:00:01"));
    client.broadcast = true;
    Reply offer = only(makeDiscover(client, 1));
    EXPECT_EQ(offer.destination, ip("255.255.255.255"));
    EXPECT_FALSE(offer.needs_neighbor);
}

TEST_F(FullMode, UnknownAndIgnoredMacsGetNothing) {
    EXPECT_TRUE(server_.handle(makeDiscover(plainOs(mac("02:00:00:00:00:99")), 1), meta_).empty());
    EXPECT_EQ(server_.drops(DropReason::UnknownMac), 1u);
    EXPECT_TRUE(server_.handle(makeDiscover(ipxeBios(mac("52:54:00:00:00:03")), 1), meta_).empty());
    EXPECT_EQ(server_.drops(DropReason::Ignored), 1u);
}

TEST_F(FullMode, BootFileByFirmware) {
    const MacAddr m = mac("52:54:00:00:00:01");
    Reply ipxe = only(makeDiscover(ipxeBios(m), 1));
    EXPECT_EQ(ipxe.packet.file, "http://10.99.0.1:24602/boot.ipxe");
    EXPECT_EQ(ipxe.packet.siaddr, ip("10.99.0.1"));
    EXPECT_EQ(ipxe.packet.options.find(opt::kIpxeEncap)->data, (std::vector<uint8_t>{176, 1, 1}));

    Reply efi = only(makeDiscover(edk2X64(m), 2));
    EXPECT_EQ(efi.packet.file, "ipxe.efi");
    EXPECT_FALSE(efi.packet.options.has(opt::kIpxeEncap));
    EXPECT_FALSE(efi.packet.options.has(opt::kVendorClass));

    Reply bios = only(makeDiscover(pxeBios(m), 3));
    EXPECT_EQ(bios.packet.file, "undionly.kpxe");

    Reply http = only(makeDiscover(uefiHttp(m), 4));
    EXPECT_EQ(http.packet.file, "http://10.99.0.1:24602/ipxe.efi");
    EXPECT_EQ(http.packet.options.str(opt::kVendorClass), "HTTPClient");
}

TEST_F(FullMode, UnknownArchGetsAddressButNoGuessedFile) {
    auto c = edk2X64(mac("52:54:00:00:00:01"));
    c.arch = 2;  // Itanium
    auto e = server_.exchange(makeDiscover(c, 1), meta_);
    ASSERT_EQ(e.replies.size(), 1u);
    EXPECT_TRUE(e.unknown_arch);
    EXPECT_EQ(e.replies[0].packet.yiaddr, ip("10.99.0.11"));
    EXPECT_TRUE(e.replies[0].packet.file.empty());
}

TEST_F(FullMode, NeverProvisionAndBmcGetAddressWithoutBootFile) {
    for (const char* m : {"52:54:00:00:00:02", "52:54:00:00:00:04"}) {
        Reply r = only(makeDiscover(ipxeBios(mac(m)), 1));
        EXPECT_FALSE(r.packet.yiaddr.isZero()) << m;
        EXPECT_TRUE(r.packet.file.empty()) << m;
        EXPECT_FALSE(r.packet.options.has(opt::kIpxeEncap)) << m;
    }
}

TEST_F(FullMode, RequestForAnotherServerIsSilentlyDropped) {
    auto c = plainOs(mac("52:54:00:00:00:01"));
    EXPECT_TRUE(
        server_.handle(makeRequest(c, 1, ip("10.99.0.11"), ip("10.99.0.250")), meta_).empty());
    EXPECT_EQ(server_.drops(DropReason::NotForUs), 1u);
}

TEST_F(FullMode, WrongRequestedAddressIsNakedByBroadcast) {
    auto c = plainOs(mac("52:54:00:00:00:01"));
    Reply nak = only(makeRequest(c, 1, ip("10.99.0.200"), std::nullopt));
    EXPECT_EQ(nak.packet.messageType(), MessageType::Nak);
    EXPECT_TRUE(nak.packet.yiaddr.isZero());
    EXPECT_FALSE(nak.packet.options.has(opt::kLeaseTime));
    EXPECT_EQ(nak.destination, ip("255.255.255.255"));
}

TEST_F(FullMode, InitRebootAndRenewAreAcked) {
    auto c = plainOs(mac("52:54:00:00:00:01"));
    Reply reboot = only(makeRequest(c, 1, ip("10.99.0.11"), std::nullopt));
    EXPECT_EQ(reboot.packet.messageType(), MessageType::Ack);
    Packet renew = makeRequest(c, 2, ip("10.99.0.11"), std::nullopt);
    renew.options.remove(opt::kRequestedIp);
    renew.ciaddr = ip("10.99.0.11");
    Reply r = only(renew);
    EXPECT_EQ(r.packet.messageType(), MessageType::Ack);
    EXPECT_EQ(r.packet.ciaddr, ip("10.99.0.11"));
    EXPECT_EQ(r.destination, ip("10.99.0.11"));  // unicast to ciaddr
    EXPECT_FALSE(r.needs_neighbor);
}

TEST_F(FullMode, InformGetsOptionsWithoutLease) {
    Packet q = makeDiscover(plainOs(mac("52:54:00:00:00:01")), 5);
    q.options.setU8(opt::kMessageType, static_cast<uint8_t>(MessageType::Inform));
    q.ciaddr = ip("10.99.0.11");
    Reply r = only(q);
    EXPECT_EQ(r.packet.messageType(), MessageType::Ack);
    EXPECT_TRUE(r.packet.yiaddr.isZero());
    EXPECT_FALSE(r.packet.options.has(opt::kLeaseTime));
    EXPECT_EQ(r.packet.options.ip(opt::kRouter), ip("10.99.0.254"));
    EXPECT_EQ(r.destination, ip("10.99.0.11"));
}

TEST_F(FullMode, DeclineAndReleaseAreRecordedWithoutReply) {
    Packet q = makeRequest(plainOs(mac("52:54:00:00:00:01")), 5, ip("10.99.0.11"), std::nullopt);
    q.options.setU8(opt::kMessageType, static_cast<uint8_t>(MessageType::Decline));
    auto e = server_.exchange(q, meta_);
    EXPECT_TRUE(e.replies.empty());
    EXPECT_EQ(e.kind, "DHCP_DECLINE");
    EXPECT_NE(e.detail.find("declined=10.99.0.11"), std::string::npos);
    q.options.setU8(opt::kMessageType, static_cast<uint8_t>(MessageType::Release));
    EXPECT_EQ(server_.exchange(q, meta_).kind, "DHCP_RELEASE");
}

TEST_F(FullMode, MultihomingUsesTheAddressOfTheReceivingSegment) {
    RecvMeta m = directMeta();
    m.local = ip("192.168.50.1");
    m.interface_addresses = {*Cidr::parse("192.168.50.1/24"), *Cidr::parse("10.99.0.2/24")};
    auto replies = server_.handle(makeDiscover(ipxeBios(mac("52:54:00:00:00:01")), 1), m);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].packet.options.ip(opt::kServerId), ip("10.99.0.2"));
    EXPECT_EQ(replies[0].packet.siaddr, ip("10.99.0.2"));
    EXPECT_EQ(replies[0].packet.file, "http://10.99.0.2:24602/boot.ipxe");
    EXPECT_EQ(replies[0].source, ip("10.99.0.2"));
}

TEST_F(FullMode, HostOnAnotherSegmentIsNotAnsweredDirectly) {
    auto replies = server_.handle(makeDiscover(plainOs(mac("52:54:00:00:01:01")), 1), meta_);
    EXPECT_TRUE(replies.empty());
    EXPECT_EQ(server_.drops(DropReason::NoAddress), 1u);
}

TEST_F(FullMode, BootpAndRepliesAreIgnored) {
    Packet q = makeDiscover(plainOs(mac("52:54:00:00:00:01")), 1);
    q.options.remove(opt::kMessageType);
    EXPECT_TRUE(server_.handle(q, meta_).empty());
    Packet r = makeDiscover(plainOs(mac("52:54:00:00:00:01")), 1);
    r.op = kBootReply;
    EXPECT_TRUE(server_.handle(r, meta_).empty());
}

TEST(BootPolicy, ArchFromVendorClassWhenOption93IsMissing) {
    ClientInfo c;
    c.vendor_class = "PXEClient:Arch:00009:UNDI:003016";
    c.pxe_client = true;
    EXPECT_EQ(effectiveArch(c), 9);
    BootTarget t = makeBootTarget(BootSettings{}, ip("10.0.0.1"));
    EXPECT_EQ(chooseBoot(c, t).file, "ipxe.efi");
    c.vendor_class = "PXEClient:Arch:0000x";
    EXPECT_FALSE(effectiveArch(c));
}

TEST(BootPolicy, IanaTableIsMappedDeliberately) {
    BootTarget t = makeBootTarget(BootSettings{}, ip("10.0.0.1"));
    auto file = [&t](uint16_t a) {
        ClientInfo c;
        c.arch = a;
        c.pxe_client = true;
        return chooseBoot(c, t).file;
    };
    EXPECT_EQ(file(0), "undionly.kpxe");
    EXPECT_EQ(file(6), "ipxe-i386.efi");
    EXPECT_EQ(file(7), "ipxe.efi");
    EXPECT_EQ(file(9), "ipxe.efi");
    EXPECT_EQ(file(10), "ipxe-arm32.efi");
    EXPECT_EQ(file(11), "ipxe-arm64.efi");
    EXPECT_EQ(file(16), "http://10.0.0.1:24602/ipxe.efi");
    EXPECT_EQ(file(19), "http://10.0.0.1:24602/ipxe-arm64.efi");
    for (uint16_t a : {1, 2, 3, 8, 12, 22, 27, 41, 500})
        EXPECT_EQ(file(a), "") << a;
}

}  // namespace
}  // namespace vq::dhcp
