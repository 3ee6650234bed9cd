#include "base/ipv4.h"

#include <gtest/gtest.h>

namespace vq {
namespace {

TEST(Ipv4Test, ParsesAndFormats) {
    auto ip = Ipv4::parse("10.99.0.1");
    ASSERT_TRUE(ip);
    EXPECT_EQ(ip->value(), 0x0a630001u);
    EXPECT_EQ(ip->toString(), "10.99.0.1");
}

TEST(Ipv4Test, RejectsMalformed) {
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ",
                            "a.b.c.d", "1..2.3", "1.2.3.-4"}) {
        EXPECT_FALSE(Ipv4::parse(bad)) << bad;
    }
}

TEST(CidrTest, ContainsAndMask) {
    auto c = Cidr::parse("10.10.10.0/24");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->mask().toString(), "255.255.255.0");
    EXPECT_TRUE(c->contains(*Ipv4::parse("10.10.10.200")));
    EXPECT_FALSE(c->contains(*Ipv4::parse("10.10.11.1")));
    EXPECT_EQ(c->broadcast().toString(), "10.10.10.255");
    EXPECT_FALSE(Cidr::parse("10.0.0.0/33"));
    EXPECT_FALSE(Cidr::parse("10.0.0.0"));
    EXPECT_TRUE(Cidr::parse("0.0.0.0/0")->contains(*Ipv4::parse("8.8.8.8")));
}

}  // namespace
}  // namespace vq
