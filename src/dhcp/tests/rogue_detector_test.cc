#include "dhcp/server/rogue_detector.h"

#include <gtest/gtest.h>

#include "dhcp/testing/fixture_hosts.h"

namespace vq::dhcp {
namespace {

using namespace vq::dhcp::testing;

Packet otherOffer(const char* m, const char* server, const char* yiaddr) {
    Packet p;
    p.op = kBootReply;
    p.setMac(mac(m));
    p.yiaddr = ip(yiaddr);
    p.options.setU8(opt::kMessageType, static_cast<uint8_t>(MessageType::Offer));
    p.options.setIp(opt::kServerId, ip(server));
    return p;
}

TEST(RogueDetector, WarnsOncePerServerAndHostPerInterval) {
    StaticDirectory dir = labDirectory();
    SimulatedClock clock;
    RogueDetector d(Mode::Server, dir, clock, std::chrono::seconds(60));
    d.setOwnAddresses({ip("10.99.0.1")});
    auto s =
        d.observe(otherOffer("52:54:00:00:00:01", "10.99.0.66", "10.99.0.200"), ip("10.99.0.66"));
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->first);
    EXPECT_EQ(s->server, ip("10.99.0.66"));
    EXPECT_EQ(s->offered, ip("10.99.0.200"));
    EXPECT_EQ(s->expected, ip("10.99.0.11"));
    EXPECT_EQ(s->host_name, "node1");
    auto again =
        d.observe(otherOffer("52:54:00:00:00:01", "10.99.0.66", "10.99.0.200"), ip("10.99.0.66"));
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->first);
    clock.advance(std::chrono::seconds(61));
    EXPECT_TRUE(
        d.observe(otherOffer("52:54:00:00:00:01", "10.99.0.66", "10.99.0.200"), ip("10.99.0.66"))
            ->first);
    EXPECT_EQ(d.sightings(), 3u);
}

// A second agent of the site on the segment answers the same hosts with the same addresses:
// no sighting; if it offers another address (an older inventory), it is reported.
TEST(RogueDetector, AnotherAgentOfTheSiteIsNoRogueWhileItAgrees) {
    StaticDirectory dir = labDirectory();
    dir.addPeer(ip("10.99.0.2"));
    SimulatedClock clock;
    RogueDetector d(Mode::Server, dir, clock);
    d.setOwnAddresses({ip("10.99.0.1")});
    EXPECT_FALSE(
        d.observe(otherOffer("52:54:00:00:00:01", "10.99.0.2", "10.99.0.11"), ip("10.99.0.2")));
    auto disagrees =
        d.observe(otherOffer("52:54:00:00:00:01", "10.99.0.2", "10.99.0.99"), ip("10.99.0.2"));
    ASSERT_TRUE(disagrees);
    EXPECT_EQ(disagrees->offered, ip("10.99.0.99"));
    EXPECT_TRUE(
        d.observe(otherOffer("52:54:00:00:00:01", "10.99.0.66", "10.99.0.11"), ip("10.99.0.66")))
        << "a server that is no agent of the site is still reported";
    EXPECT_EQ(d.sightings(), 2u);
}

TEST(RogueDetector, IgnoresOwnRepliesUnknownHostsAndRequests) {
    StaticDirectory dir = labDirectory();
    SimulatedClock clock;
    RogueDetector d(Mode::Server, dir, clock);
    d.setOwnAddresses({ip("10.99.0.1")});
    EXPECT_FALSE(
        d.observe(otherOffer("52:54:00:00:00:01", "10.99.0.1", "10.99.0.11"), ip("10.99.0.1")));
    EXPECT_FALSE(
        d.observe(otherOffer("02:00:00:00:00:99", "10.99.0.66", "10.99.0.2"), ip("10.99.0.66")));
    EXPECT_FALSE(d.observe(otherOffer("52:54:00:00:00:03", "10.99.0.66", "10.99.0.2"),
                           ip("10.99.0.66")));  // ignore_dhcp host
    Packet req = otherOffer("52:54:00:00:00:01", "10.99.0.66", "10.99.0.2");
    req.op = kBootRequest;
    EXPECT_FALSE(d.observe(req, ip("10.99.0.66")));
}

TEST(RogueDetector, ProxyModeOnlyMindsCompetingBootServers) {
    StaticDirectory dir = labDirectory();
    SimulatedClock clock;
    RogueDetector d(Mode::Proxy, dir, clock);
    d.setOwnAddresses({ip("10.99.0.1")});
    Packet plain = otherOffer("52:54:00:00:00:01", "10.99.0.66", "10.99.0.11");
    EXPECT_FALSE(d.observe(plain, ip("10.99.0.66")));
    plain.file = "pxelinux.0";
    EXPECT_TRUE(d.observe(plain, ip("10.99.0.66")));
}

}  // namespace
}  // namespace vq::dhcp
