#include "net/interfaces.h"

#include <gtest/gtest.h>

namespace vq::net {
namespace {

TEST(Interfaces, LoopbackIsListedWithItsAddress) {
    auto lo = findInterface("lo");
    ASSERT_TRUE(lo) << lo.message();
    EXPECT_TRUE(lo->loopback);
    EXPECT_GT(lo->index, 0);
    ASSERT_FALSE(lo->addresses.empty());
    EXPECT_EQ(lo->addresses.front().address().toString(), "127.0.0.1");
    EXPECT_EQ(lo->addresses.front().prefixLength(), 8);
}

TEST(Interfaces, MissingInterfaceIsAnError) {
    auto none = findInterface("no-such-if0");
    ASSERT_FALSE(none);
    EXPECT_NE(none.message().find("no-such-if0"), std::string::npos);
}

}  // namespace
}  // namespace vq::net
