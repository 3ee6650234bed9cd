// Proxy mode (67 + 4011) and relayed requests (giaddr, option 82), in process.
#include <gtest/gtest.h>

#include "dhcp/codec/client_info.h"
#include "dhcp/server/server.h"
#include "dhcp/testing/fixture_hosts.h"
#include "dhcp/testing/sim_client.h"

namespace vq::dhcp {
namespace {

using namespace vq::dhcp::testing;

class ProxyMode : public ::testing::Test {
protected:
    StaticDirectory dir_ = labDirectory();
    Server server_{ServerConfig{Mode::Proxy, 3600, BootSettings{}}, dir_};
    RecvMeta meta_ = directMeta();
};

TEST_F(ProxyMode, BiosIpxeOfferCarriesBootInfoOnlyAndSkipsDiscovery) {
    auto c = ipxeBios(mac("52:54:00:00:00:01"));
    auto replies = server_.handle(makeDiscover(c, 9), meta_);
    ASSERT_EQ(replies.size(), 1u);
    const Packet& o = replies[0].packet;
    EXPECT_EQ(o.messageType(), MessageType::Offer);
    EXPECT_TRUE(o.yiaddr.isZero());
    EXPECT_EQ(o.siaddr, ip("10.99.0.1"));
    EXPECT_EQ(o.options.ip(opt::kServerId), ip("10.99.0.1"));
    EXPECT_EQ(o.options.str(opt::kVendorClass), "PXEClient");
    EXPECT_EQ(o.options.find(opt::kClientGuid)->data, *c.guid);
    EXPECT_EQ(o.options.find(opt::kVendorSpecific)->data, (std::vector<uint8_t>{6, 1, 8}));
    EXPECT_EQ(o.file, "http://10.99.0.1:24602/boot.ipxe");
    // No address options: the other server owns them. No 175.176: iPXE must wait for us.
    EXPECT_FALSE(o.options.has(opt::kLeaseTime));
    EXPECT_FALSE(o.options.has(opt::kSubnetMask));
    EXPECT_FALSE(o.options.has(opt::kIpxeEncap));
    EXPECT_EQ(replies[0].destination, ip("255.255.255.255"));
    EXPECT_EQ(replies[0].port, kClientPort);
}

TEST_F(ProxyMode, UefiOfferOmitsOption43AndThe4011RequestIsAcked) {
    auto c = edk2X64(mac("52:54:00:00:00:01"));
    auto offer = server_.handle(makeDiscover(c, 9), meta_);
    ASSERT_EQ(offer.size(), 1u);
    EXPECT_FALSE(offer[0].packet.options.has(opt::kVendorSpecific));

    RecvMeta boot = meta_;
    boot.local_port = kPxePort;
    boot.local = ip("10.99.0.1");
    boot.source = ip("10.99.0.11");
    boot.source_port = kPxePort;  // EDK2 sends from and listens on 4011
    Packet req = makeRequest(c, 10, ip("10.99.0.11"), std::nullopt);
    req.options.remove(opt::kRequestedIp);
    req.ciaddr = ip("10.99.0.11");
    auto ack = server_.handle(req, boot);
    ASSERT_EQ(ack.size(), 1u);
    EXPECT_EQ(ack[0].packet.messageType(), MessageType::Ack);
    EXPECT_EQ(ack[0].packet.file, "ipxe.efi");
    EXPECT_EQ(ack[0].packet.options.str(opt::kVendorClass), "PXEClient");
    EXPECT_EQ(ack[0].packet.options.find(opt::kClientGuid)->data, *c.guid);
    EXPECT_EQ(ack[0].destination, ip("10.99.0.11"));
    EXPECT_EQ(ack[0].port, kPxePort);

    boot.source_port = kClientPort;  // iPXE asks from 68 and gets the answer there
    ack = server_.handle(req, boot);
    ASSERT_EQ(ack.size(), 1u);
    EXPECT_EQ(ack[0].port, kClientPort);
}

TEST_F(ProxyMode, NonPxeClientsUnknownMacsAndRequestsOn67AreLeftAlone) {
    EXPECT_TRUE(server_.handle(makeDiscover(plainOs(mac("52:54:00:00:00:01")), 1), meta_).empty());
    EXPECT_EQ(server_.drops(DropReason::NotPxe), 1u);
    EXPECT_TRUE(server_.handle(makeDiscover(edk2X64(mac("02:00:00:00:00:99")), 1), meta_).empty());
    auto c = edk2X64(mac("52:54:00:00:00:01"));
    EXPECT_TRUE(
        server_.handle(makeRequest(c, 1, ip("10.99.0.11"), ip("10.99.0.250")), meta_).empty());
    EXPECT_TRUE(server_.handle(makeDiscover(edk2X64(mac("52:54:00:00:00:02")), 1), meta_).empty());
    EXPECT_EQ(server_.drops(DropReason::NoBootFile), 1u);
}

class Relay : public ::testing::Test {
protected:
    StaticDirectory dir_ = labDirectory();
    Server server_{ServerConfig{}, dir_};
};

TEST_F(Relay, RelayedRequestIsMatchedByGiaddrAndAnsweredToTheRelay) {
    auto c = ipxeBios(mac("52:54:00:00:01:01"));
    Packet q = makeDiscover(c, 77);
    q.giaddr = ip("10.99.1.1");
    q.hops = 1;
    const std::vector<uint8_t> agent_info{1, 4, 'e', 't', 'h', '1', 2, 2, 0xab, 0xcd};
    q.options.set(opt::kRelayAgent, agent_info);
    RecvMeta m;
    m.ifindex = 3;
    m.local = ip("10.99.2.5");  // the relay unicasts to the agent's upstream address
    m.source = ip("10.99.1.1");
    m.source_port = kServerPort;
    m.interface_addresses = {*Cidr::parse("10.99.2.5/24")};
    auto replies = server_.handle(q, m);
    ASSERT_EQ(replies.size(), 1u);
    const Reply& r = replies[0];
    EXPECT_EQ(r.destination, ip("10.99.1.1"));
    EXPECT_EQ(r.port, kServerPort);
    EXPECT_EQ(r.packet.giaddr, ip("10.99.1.1"));
    EXPECT_EQ(r.packet.yiaddr, ip("10.99.1.21"));
    EXPECT_EQ(r.packet.options.ip(opt::kServerId), ip("10.99.2.5"));
    EXPECT_EQ(r.packet.options.ip(opt::kRouter), ip("10.99.1.1"));
    EXPECT_EQ(r.packet.file, "http://10.99.2.5:24602/boot.ipxe");
    EXPECT_EQ(r.packet.options.find(opt::kRelayAgent)->data, agent_info);
    EXPECT_EQ(r.packet.options.all().back().code, opt::kRelayAgent);
}

TEST_F(Relay, GiaddrOutsideTheHostsSubnetIsDropped) {
    Packet q = makeDiscover(plainOs(mac("52:54:00:00:01:01")), 1);
    q.giaddr = ip("10.99.7.1");
    RecvMeta m = directMeta();
    EXPECT_TRUE(server_.handle(q, m).empty());
    EXPECT_EQ(server_.drops(DropReason::RelaySubnet), 1u);
}

}  // namespace
}  // namespace vq::dhcp
