#include "base/mac_addr.h"

#include <gtest/gtest.h>

namespace vq {
namespace {

TEST(MacAddrTest, ParsesColonHyphenAndBareFormsCaseInsensitively) {
    auto a = MacAddr::parse("00:0c:29:31:8F:14");
    auto b = MacAddr::parse("00-0C-29-31-8f-14");
    auto c = MacAddr::parse("000c29318f14");
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(*a, *b);
    EXPECT_EQ(*a, *c);
    EXPECT_EQ(a->toString(), "00:0c:29:31:8f:14");
    EXPECT_EQ(a->toHyphenString(), "00-0c-29-31-8f-14");
}

TEST(MacAddrTest, RejectsMalformed) {
    for (const char* bad : {"", "00:0c:29:31:8f", "00:0c:29:31:8f:1g", "00:0c-29:31:8f:14",
                            "00:0c:29:31:8f:14:", "0:0c:29:31:8f:14x", "zz0c29318f14"}) {
        EXPECT_FALSE(MacAddr::parse(bad)) << bad;
    }
}

}  // namespace
}  // namespace vq
