// Replies within the size a client accepts: option 57, overload into file/sname (RFC 2132
// 9.3) and dropping the least important options.
#include <random>

#include <gtest/gtest.h>

#include "dhcp/codec/packet.h"

namespace vq::dhcp {
namespace {

std::vector<uint8_t> bytes(size_t n, uint8_t seed) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = static_cast<uint8_t>(seed + i);
    return v;
}

// An OFFER with the options every reply has (27 bytes of options).
Packet offer() {
    Packet p;
    p.op = kBootReply;
    p.xid = 0xabcdef01;
    p.setMac(*MacAddr::parse("52:54:00:00:00:01"));
    p.yiaddr = *Ipv4::parse("10.99.0.11");
    p.options.setU8(opt::kMessageType, static_cast<uint8_t>(MessageType::Offer));
    p.options.setIp(opt::kServerId, *Ipv4::parse("10.99.0.1"));
    p.options.setU32(opt::kLeaseTime, 3600);
    p.options.setIp(opt::kSubnetMask, *Ipv4::parse("255.255.255.0"));
    p.options.setIp(opt::kRouter, *Ipv4::parse("10.99.0.254"));
    return p;
}

// The codes of the options field only (not file or sname), in wire order.
std::vector<uint8_t> mainCodes(const std::vector<uint8_t>& wire) {
    std::vector<uint8_t> codes;
    for (size_t i = kFixedHeaderSize + 4; i < wire.size() && wire[i] != opt::kEnd;) {
        if (wire[i] == opt::kPad) {
            ++i;
            continue;
        }
        codes.push_back(wire[i]);
        i += 2 + (i + 1 < wire.size() ? wire[i + 1] : 0);
    }
    return codes;
}

Packet query(std::optional<std::vector<uint8_t>> max_size) {
    Packet q;
    q.options.setU8(opt::kMessageType, 1);
    if (max_size)
        q.options.set(opt::kMaxMessageSize, *max_size);
    return q;
}

TEST(MaxReplySize, Option57AboveTheMinimumCappedAtAnEthernetFrame) {
    EXPECT_EQ(maxReplySize(query(std::nullopt)), 548u);
    EXPECT_EQ(maxReplySize(query(std::vector<uint8_t>{0x02, 0x40})), 548u);   // 576
    EXPECT_EQ(maxReplySize(query(std::vector<uint8_t>{0x03, 0xe8})), 972u);   // 1000
    EXPECT_EQ(maxReplySize(query(std::vector<uint8_t>{0x05, 0xdc})), 1472u);  // 1500
    EXPECT_EQ(maxReplySize(query(std::vector<uint8_t>{0xff, 0xff})), 1472u);  // 65535
}

TEST(MaxReplySize, IllegalOption57IsIgnored) {
    EXPECT_EQ(maxReplySize(query(std::vector<uint8_t>{0x01, 0x2c})), 548u);  // 300 < 576
    EXPECT_EQ(maxReplySize(query(std::vector<uint8_t>{0x00, 0x00})), 548u);
    EXPECT_EQ(maxReplySize(query(std::vector<uint8_t>{0x05})), 548u);  // wrong length
}

TEST(EncodeWithin, FittingReplyIsTheUnlimitedEncoding) {
    Packet p = offer();
    p.file = "undionly.kpxe";
    p.options.set(224, bytes(100, 1));
    std::vector<uint8_t> out;
    EncodeResult r = encodeTo(p, out, kMinReplySize);
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.overload, 0);
    EXPECT_FALSE(r.trimmed());
    EXPECT_EQ(out, encode(p));
}

TEST(EncodeWithin, SmallLimitShortensTheBootpPadding) {
    Packet p = offer();
    std::vector<uint8_t> out;
    EXPECT_TRUE(encodeTo(p, out, 280).ok);
    EXPECT_EQ(out.size(), 280u);
    ASSERT_TRUE(decode(out));
}

TEST(EncodeWithin, OverflowGoesIntoFile) {
    Packet p = offer();
    p.options.set(224, bytes(200, 1));  // 202 on the wire
    p.options.set(225, bytes(100, 2));  // 102: the options field (304 free) cannot take both
    std::vector<uint8_t> out;
    EncodeResult r = encodeTo(p, out, kMinReplySize);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.overload, 1);
    EXPECT_FALSE(r.trimmed());
    EXPECT_LE(out.size(), kMinReplySize);
    EXPECT_EQ(out[kFileOffset], 225);
    auto codes = mainCodes(out);
    ASSERT_GE(codes.size(), 2u);
    EXPECT_EQ(codes[0], opt::kMessageType);
    EXPECT_EQ(codes[1], opt::kOverload);
    auto back = decode(out);
    ASSERT_TRUE(back) << back.message();
    EXPECT_TRUE(back->file.empty());
    EXPECT_EQ(back->options.all().size(), p.options.all().size());
    for (const RawOption& o : p.options.all()) {
        ASSERT_NE(back->options.find(o.code), nullptr) << int(o.code);
        EXPECT_EQ(back->options.find(o.code)->data, o.data) << int(o.code);
    }
}

TEST(EncodeWithin, OverflowGoesIntoFileThenSname) {
    Packet p = offer();
    p.options.set(224, bytes(250, 1));  // 252: the options field keeps 25 bytes free
    p.options.set(225, bytes(100, 2));  // 102: file
    p.options.set(226, bytes(40, 3));   // 42: neither the options field nor file, so sname
    std::vector<uint8_t> out;
    EncodeResult r = encodeTo(p, out, kMinReplySize);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.overload, 3);
    EXPECT_FALSE(r.trimmed());
    EXPECT_LE(out.size(), kMinReplySize);
    EXPECT_EQ(out[kFileOffset], 225);
    EXPECT_EQ(out[kSnameOffset], 226);
    auto back = decode(out);
    ASSERT_TRUE(back) << back.message();
    EXPECT_TRUE(back->sname.empty());
    for (const RawOption& o : p.options.all())
        EXPECT_EQ(back->options.find(o.code)->data, o.data) << int(o.code);
}

TEST(EncodeWithin, BootFileInFileLeavesOnlySname) {
    Packet p = offer();
    p.file = "undionly.kpxe";
    p.options.set(224, bytes(250, 1));
    p.options.set(226, bytes(40, 3));
    std::vector<uint8_t> out;
    EncodeResult r = encodeTo(p, out, kMinReplySize);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.overload, 2);
    auto back = decode(out);
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->file, "undionly.kpxe");
    EXPECT_EQ(back->options.find(226)->data, bytes(40, 3));
}

TEST(EncodeWithin, ServerIdAndRelayAgentStayInTheOptionsField) {
    Packet p = offer();
    p.options.remove(opt::kServerId);
    p.options.set(224, bytes(200, 1));
    p.options.set(225, bytes(100, 2));
    p.options.setIp(opt::kServerId, *Ipv4::parse("10.99.0.1"));  // after the big ones
    p.options.set(opt::kRelayAgent, bytes(30, 9));
    std::vector<uint8_t> out;
    EncodeResult r = encodeTo(p, out, kMinReplySize);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.overload, 1);
    auto codes = mainCodes(out);
    EXPECT_NE(std::find(codes.begin(), codes.end(), opt::kServerId), codes.end());
    EXPECT_NE(std::find(codes.begin(), codes.end(), 224), codes.end());
    EXPECT_EQ(std::find(codes.begin(), codes.end(), 225), codes.end());  // moved to file
    EXPECT_EQ(codes.back(), opt::kRelayAgent);  // still last, as it was added
}

TEST(EncodeWithin, ExtraOptionsAreDroppedBeforeStandardOnes) {
    Packet p = offer();
    p.file = "undionly.kpxe";  // no overload possible: file and sname are taken
    p.sname = "agent";
    p.options.set(224, bytes(200, 1));  // an extra option listed before the standard one
    p.options.setStr(opt::kHostname, std::string(120, 'h'));
    std::vector<uint8_t> out;
    EncodeResult r = encodeTo(p, out, kMinReplySize);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.overload, 0);
    EXPECT_EQ(r.droppedList(), "224");
    auto back = decode(out);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->options.has(opt::kHostname));
    EXPECT_FALSE(back->options.has(224));
    EXPECT_EQ(back->sname, "agent");
}

TEST(EncodeWithin, OnlyWhatDoesNotFitIsDropped) {
    Packet p = offer();
    p.file = "f";
    p.sname = "s";
    p.options.set(224, bytes(250, 1));  // 252: fits, 28 left
    p.options.set(225, bytes(100, 2));  // 102: dropped
    p.options.set(226, bytes(20, 3));   // 22: still fits after 225 is gone
    p.options.set(227, bytes(10, 4));   // 12: does not
    std::vector<uint8_t> out;
    EncodeResult r = encodeTo(p, out, kMinReplySize);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.droppedList(), "225,227");
    EXPECT_LE(out.size(), kMinReplySize);
    auto back = decode(out);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->options.has(224));
    EXPECT_TRUE(back->options.has(226));
}

TEST(EncodeWithin, StandardOptionsDropRenewalTimesFirst) {
    Packet p = offer();
    p.file = "f";
    p.sname = "s";
    p.options.set(opt::kVendorSpecific, bytes(255, 1));  // never dropped; 257 bytes
    p.options.setU32(opt::kRenewalTime, 1800);
    p.options.setU32(opt::kRebindingTime, 3150);
    p.options.setIps(opt::kDns, std::vector<Ipv4>{Ipv4(1), Ipv4(2)});  // 10
    p.options.setStr(opt::kDomainName, "lab.example");                 // 13
    std::vector<uint8_t> out;
    EncodeResult r = encodeTo(p, out, kMinReplySize);  // 307 free: 27 + 257 + 10 + 13 = 307
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.droppedList(), "58,59");
}

TEST(EncodeWithin, NeverDroppedOptionsThatCannotFitFailTheEncoding) {
    Packet p = offer();
    p.options.set(opt::kRelayAgent, bytes(400, 1));  // pinned to the options field
    std::vector<uint8_t> out(10, 1);
    EncodeResult r = encodeTo(p, out, kMinReplySize);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(r.dropped.test(opt::kRelayAgent));
}

TEST(EncodeWithin, LargerLimitNeedsNoOverload) {
    Packet p = offer();
    p.options.set(224, bytes(600, 1));
    Packet q = query(std::vector<uint8_t>{0x05, 0xdc});
    std::vector<uint8_t> out;
    EncodeResult r = encodeTo(p, out, maxReplySize(q));
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.overload, 0);
    EXPECT_GT(out.size(), kMinReplySize);
    EXPECT_LE(out.size(), 1472u);
    EXPECT_EQ(encodeTo(p, out, maxReplySize(query(std::vector<uint8_t>{0x01, 0x00}))).overload, 0);
    EXPECT_TRUE(encodeTo(p, out, kMinReplySize).dropped.test(224));
}

// Random option sets and limits: whatever is encoded stays within the limit and decodes
// to exactly the options that were not dropped.
TEST(EncodeWithin, RandomRepliesStayWithinTheLimit) {
    std::mt19937 rng(57);
    std::vector<uint8_t> out;
    int failed = 0, overloaded = 0, trimmed = 0;
    for (int round = 0; round < 2000; ++round) {
        Packet p = offer();
        if (rng() % 2)
            p.file = "boot";
        if (rng() % 3 == 0)
            p.sname = "agent";
        const int n = static_cast<int>(rng() % 12);
        for (int i = 0; i < n; ++i) {
            auto code = static_cast<uint8_t>(1 + rng() % 254);
            p.options.set(code,
                          bytes(rng() % (rng() % 4 == 0 ? 600 : 90), static_cast<uint8_t>(i)));
        }
        const size_t limit = 240 + rng() % 1300;
        EncodeResult r = encodeTo(p, out, limit);
        if (!r.ok) {
            EXPECT_TRUE(out.empty());
            ++failed;
            continue;
        }
        overloaded += r.overload != 0;
        trimmed += r.trimmed();
        ASSERT_LE(out.size(), limit) << round;
        auto back = decode(out);
        ASSERT_TRUE(back) << round << ": " << back.message();
        for (const RawOption& o : p.options.all()) {
            if (o.code == opt::kPad || o.code == opt::kEnd || o.code == opt::kOverload)
                continue;
            const RawOption* got = back->options.find(o.code);
            if (r.dropped.test(o.code)) {
                EXPECT_EQ(got, nullptr) << round << " code " << int(o.code);
            } else {
                ASSERT_NE(got, nullptr) << round << " code " << int(o.code);
                EXPECT_EQ(got->data, o.data) << round << " code " << int(o.code);
            }
        }
        EXPECT_EQ(back->file, p.file.substr(0, 127));
    }
    // Every path was taken.
    EXPECT_GT(failed, 0);
    EXPECT_GT(overloaded, 0);
    EXPECT_GT(trimmed, 0);
}

}  // namespace
}  // namespace vq::dhcp
