// Replies of the server core encoded within what the client accepts: a subnet with large
// extra options and clients that announce 576 bytes (option 57) or nothing.
#include <gtest/gtest.h>

#include "dhcp/codec/typed_option.h"
#include "dhcp/server/rogue_probe.h"
#include "dhcp/server/server.h"
#include "dhcp/server/static_directory.h"
#include "dhcp/testing/fixture_hosts.h"
#include "dhcp/testing/sim_client.h"

namespace vq::dhcp {
namespace {

using namespace vq::dhcp::testing;

// A vendor blob of n bytes as the model gives it (base64).
RawOption blob(int64_t code, size_t n) {
    static const char* kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string text;
    for (size_t i = 0; i < n / 3 * 4; ++i)
        text += kAlphabet[(i * 7) % 64];
    return *encodeTypedOption(code, "base64", text);
}

class BigOptions : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = std::make_shared<SubnetInfo>(*labSubnet());
        s->extra_options.push_back(blob(224, 180));  // 182 bytes on the wire
        s->extra_options.push_back(blob(225, 120));  // 122: fits `file` only
        s->extra_options.push_back(blob(226, 60));   // 62: fits `sname`
        dir_.add({mac("52:54:00:00:00:01"), ip("10.99.0.11"), s, "node1", true, false, "node1"});
    }

    Reply only(const Packet& q) {
        auto replies = server_.handle(q, directMeta());
        EXPECT_EQ(replies.size(), 1u);
        return replies.empty() ? Reply{} : replies.front();
    }

    StaticDirectory dir_;
    Server server_{ServerConfig{Mode::Server, 7200, BootSettings{}}, dir_};
};

Packet with576(Packet q) {
    q.options.setU16(opt::kMaxMessageSize, 576);
    return q;
}

TEST_F(BigOptions, PlainClientAnnouncing576GetsEverythingThroughOverload) {
    Reply offer = only(with576(makeDiscover(plainOs(mac("52:54:00:00:00:01")), 9)));
    EXPECT_EQ(offer.max_size, 548u);
    std::vector<uint8_t> wire;
    EncodeResult r = encodeTo(offer.packet, wire, offer.max_size);
    ASSERT_TRUE(r.ok);
    EXPECT_LE(wire.size(), 548u);
    EXPECT_NE(r.overload, 0);
    EXPECT_FALSE(r.trimmed()) << r.droppedList();
    auto back = decode(wire);
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->messageType(), MessageType::Offer);
    EXPECT_EQ(back->yiaddr, ip("10.99.0.11"));
    for (const RawOption& o : offer.packet.options.all()) {
        ASSERT_NE(back->options.find(o.code), nullptr) << int(o.code);
        EXPECT_EQ(back->options.find(o.code)->data, o.data) << int(o.code);
    }
}

TEST_F(BigOptions, BootingClientKeepsItsBootFileAndLosesTheExtraThatFitsNowhere) {
    Reply offer = only(with576(makeDiscover(ipxeBios(mac("52:54:00:00:00:01")), 9)));
    ASSERT_FALSE(offer.packet.file.empty());
    std::vector<uint8_t> wire;
    EncodeResult r = encodeTo(offer.packet, wire, offer.max_size);
    ASSERT_TRUE(r.ok);
    EXPECT_LE(wire.size(), 548u);
    EXPECT_EQ(r.overload, 2);  // sname only: file holds the boot file name
    EXPECT_EQ(r.droppedList(), "225");
    auto back = decode(wire);
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->file, offer.packet.file);
    EXPECT_EQ(back->siaddr, ip("10.99.0.1"));
    for (uint8_t code : {opt::kServerId, opt::kLeaseTime, opt::kSubnetMask, opt::kRouter,
                         opt::kIpxeEncap, opt::kDns, opt::kHostname, uint8_t{224}, uint8_t{226}}) {
        EXPECT_TRUE(back->options.has(code)) << int(code);
    }
    EXPECT_FALSE(back->options.has(225));
}

TEST_F(BigOptions, LargerAnnouncementNeedsNoOverload) {
    Packet q = makeDiscover(ipxeBios(mac("52:54:00:00:00:01")), 9);
    q.options.setU16(opt::kMaxMessageSize, 1472);
    Reply offer = only(q);
    EXPECT_EQ(offer.max_size, 1444u);
    std::vector<uint8_t> wire;
    EncodeResult r = encodeTo(offer.packet, wire, offer.max_size);
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.overload, 0);
    EXPECT_FALSE(r.trimmed());
    EXPECT_EQ(wire, encode(offer.packet));
}

TEST_F(BigOptions, NoAnnouncementMeans576) {
    Reply offer = only(makeDiscover(plainOs(mac("52:54:00:00:00:01")), 9));
    EXPECT_EQ(offer.max_size, 548u);
    Packet q = makeDiscover(plainOs(mac("52:54:00:00:00:01")), 9);
    q.options.setU16(opt::kMaxMessageSize, 300);  // illegal, ignored
    EXPECT_EQ(only(q).max_size, 548u);
}

TEST(ProbeDrop, TheProbeIsDroppedUnderItsOwnReason) {
    StaticDirectory dir = labDirectory();
    Server server(ServerConfig{Mode::Server, 7200, BootSettings{}}, dir);
    Exchange e = server.exchange(makeProbeDiscover(probeMac(mac("52:54:00:aa:bb:cc"), "eth1"), 5),
                                 directMeta());
    EXPECT_TRUE(e.replies.empty());
    ASSERT_TRUE(e.drop);
    EXPECT_EQ(*e.drop, DropReason::Probe);
    EXPECT_EQ(server.drops(DropReason::Probe), 1u);
    EXPECT_EQ(server.drops(DropReason::UnknownMac), 0u);
    EXPECT_STREQ(dropReasonName(DropReason::Probe), "rogue_probe");
}

}  // namespace
}  // namespace vq::dhcp
