#include "dhcp/server/rogue_probe.h"

#include <gtest/gtest.h>

#include "dhcp/testing/fixture_hosts.h"

namespace vq::dhcp {
namespace {

using namespace vq::dhcp::testing;
using std::chrono::seconds;

const std::vector<Ipv4> kOwn = {ip("10.99.0.1")};

Packet answer(const Packet& probe, const char* server, MessageType type = MessageType::Offer) {
    Packet p;
    p.op = kBootReply;
    p.xid = probe.xid;
    p.flags = probe.flags;
    p.chaddr = probe.chaddr;
    p.yiaddr = ip("10.99.0.120");
    p.options.setU8(opt::kMessageType, static_cast<uint8_t>(type));
    p.options.setIp(opt::kServerId, ip(server));
    return p;
}

TEST(ProbeMac, DeterministicLocallyAdministeredAndPerInterface) {
    const MacAddr hw = mac("52:54:00:aa:bb:cc");
    MacAddr a = probeMac(hw, "eth1");
    EXPECT_EQ(a, probeMac(hw, "eth1"));
    EXPECT_NE(a, probeMac(hw, "eth2"));
    EXPECT_NE(a, probeMac(mac("52:54:00:aa:bb:cd"), "eth1"));
    EXPECT_EQ(a.bytes()[0] & 0x02, 0x02);  // locally administered
    EXPECT_EQ(a.bytes()[0] & 0x01, 0x00);  // unicast
    EXPECT_TRUE(isProbeMac(a));
    EXPECT_FALSE(isProbeMac(hw));
}

TEST(ProbeDiscover, BroadcastDiscoverThatSurvivesTheWire) {
    const MacAddr m = probeMac(mac("52:54:00:aa:bb:cc"), "eth1");
    auto back = decode(encode(makeProbeDiscover(m, 0x1234)));
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->op, kBootRequest);
    EXPECT_EQ(back->messageType(), MessageType::Discover);
    EXPECT_EQ(back->xid, 0x1234u);
    EXPECT_TRUE(back->broadcastFlag());
    EXPECT_EQ(back->mac(), m);
    EXPECT_TRUE(back->options.str(opt::kVendorClass)->starts_with("PXEClient"));
    EXPECT_TRUE(back->ciaddr.isZero());
}

TEST(RogueProbe, ProbesAtFirstCallThenEveryInterval) {
    SimulatedClock clock;
    RogueProbe probe(Mode::Server, probeMac(mac("52:54:00:aa:bb:cc"), "eth1"), seconds(300));
    auto first = probe.due(clock.now(), 1);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->xid, 1u);
    EXPECT_FALSE(probe.due(clock.now(), 2));
    clock.advance(seconds(299));
    EXPECT_FALSE(probe.due(clock.now(), 3));
    clock.advance(seconds(1));
    auto second = probe.due(clock.now(), 4);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->xid, 4u);
    EXPECT_EQ(probe.probesSent(), 2u);
    EXPECT_EQ(probe.nextProbe(), clock.now() + seconds(300));
}

TEST(RogueProbe, OfferFromAnotherServerIsARogueOncePerProbe) {
    SimulatedClock clock;
    RogueProbe probe(Mode::Server, probeMac(mac("52:54:00:aa:bb:cc"), "eth1"), seconds(300));
    Packet discover = *probe.due(clock.now(), 77);
    clock.advance(seconds(1));
    auto s = probe.match(answer(discover, "10.99.0.2"), ip("10.99.0.2"), kOwn, clock.now());
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->first);
    EXPECT_EQ(s->server, ip("10.99.0.2"));
    EXPECT_EQ(s->offered, ip("10.99.0.120"));
    EXPECT_EQ(s->probe_mac, probe.mac());
    auto again = probe.match(answer(discover, "10.99.0.2"), ip("10.99.0.2"), kOwn, clock.now());
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->first);
    auto other = probe.match(answer(discover, "10.99.0.3"), ip("10.99.0.3"), kOwn, clock.now());
    ASSERT_TRUE(other);
    EXPECT_TRUE(other->first);
    // A new probe names the servers again.
    clock.advance(seconds(300));
    Packet next = *probe.due(clock.now(), 78);
    auto renewed = probe.match(answer(next, "10.99.0.2"), ip("10.99.0.2"), kOwn, clock.now());
    ASSERT_TRUE(renewed);
    EXPECT_TRUE(renewed->first);
}

TEST(RogueProbe, IgnoresWhatDoesNotAnswerTheOpenProbe) {
    SimulatedClock clock;
    RogueProbe probe(Mode::Server, probeMac(mac("52:54:00:aa:bb:cc"), "eth1"), seconds(300));
    Packet before = makeProbeDiscover(probe.mac(), 77);
    // Nothing is open before the first probe.
    EXPECT_FALSE(probe.match(answer(before, "10.99.0.2"), ip("10.99.0.2"), kOwn, clock.now()));
    Packet discover = *probe.due(clock.now(), 77);
    Packet wrong_xid = answer(discover, "10.99.0.2");
    wrong_xid.xid = 78;
    EXPECT_FALSE(probe.match(wrong_xid, ip("10.99.0.2"), kOwn, clock.now()));
    Packet wrong_mac = answer(discover, "10.99.0.2");
    wrong_mac.setMac(mac("52:54:00:00:00:01"));
    EXPECT_FALSE(probe.match(wrong_mac, ip("10.99.0.2"), kOwn, clock.now()));
    Packet request = answer(discover, "10.99.0.2");
    request.op = kBootRequest;
    EXPECT_FALSE(probe.match(request, ip("10.99.0.2"), kOwn, clock.now()));
    EXPECT_FALSE(probe.match(answer(discover, "10.99.0.2", MessageType::Nak), ip("10.99.0.2"), kOwn,
                             clock.now()));
    // This agent's own answer, by server id or by source.
    EXPECT_FALSE(probe.match(answer(discover, "10.99.0.1"), ip("10.99.0.1"), kOwn, clock.now()));
    EXPECT_FALSE(probe.match(answer(discover, "10.99.0.9"), ip("10.99.0.1"), kOwn, clock.now()));
    // After the window.
    clock.advance(seconds(6));
    EXPECT_FALSE(probe.match(answer(discover, "10.99.0.2"), ip("10.99.0.2"), kOwn, clock.now()));
}

TEST(RogueProbe, AnAckWithoutServerIdIsNamedBySource) {
    SimulatedClock clock;
    RogueProbe probe(Mode::Server, probeMac(mac("52:54:00:aa:bb:cc"), "eth1"), seconds(10));
    Packet discover = *probe.due(clock.now(), 5);
    Packet ack = answer(discover, "10.99.0.2", MessageType::Ack);  // rapid commit
    ack.options.remove(opt::kServerId);
    auto s = probe.match(ack, ip("10.99.0.66"), kOwn, clock.now());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->server, ip("10.99.0.66"));
}

TEST(RogueProbe, ProxyModeFlagsOnlyCompetingBootServers) {
    SimulatedClock clock;
    RogueProbe probe(Mode::Proxy, probeMac(mac("52:54:00:aa:bb:cc"), "eth1"), seconds(300));
    Packet discover = *probe.due(clock.now(), 9);
    // The site's DHCP server handing out an address: expected in proxy mode.
    EXPECT_FALSE(probe.match(answer(discover, "10.99.0.2"), ip("10.99.0.2"), kOwn, clock.now()));
    Packet pxe = answer(discover, "10.99.0.3");
    pxe.file = "pxelinux.0";
    auto s = probe.match(pxe, ip("10.99.0.3"), kOwn, clock.now());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->server, ip("10.99.0.3"));
}

TEST(RogueProbe, WindowNeverOutlastsTheInterval) {
    SimulatedClock clock;
    RogueProbe probe(Mode::Server, probeMac(mac("52:54:00:aa:bb:cc"), "eth1"), seconds(2));
    Packet discover = *probe.due(clock.now(), 1);
    clock.advance(seconds(2));
    Packet next = *probe.due(clock.now(), 2);
    EXPECT_FALSE(probe.match(answer(discover, "10.99.0.2"), ip("10.99.0.2"), kOwn, clock.now()));
    EXPECT_TRUE(probe.match(answer(next, "10.99.0.2"), ip("10.99.0.2"), kOwn, clock.now()));
}

}  // namespace
}  // namespace vq::dhcp
