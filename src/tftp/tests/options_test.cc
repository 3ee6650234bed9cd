#include "tftp/core/options.h"

#include <gtest/gtest.h>

namespace vq::tftp {
namespace {

TEST(TftpOptions, NoOptionsNoOack) {
    auto n = negotiate({}, 100, SessionLimits{});
    EXPECT_TRUE(n.oack.empty());
    EXPECT_EQ(n.block_size, 512);
    EXPECT_EQ(n.window_size, 1);
}

TEST(TftpOptions, AcceptsKnownClampsAndIgnoresUnknown) {
    SessionLimits limits;
    limits.max_block_size = 1468;
    limits.max_window_size = 16;
    auto n = negotiate({{"blksize", "9000"},
                        {"multicast", ""},
                        {"tsize", "0"},
                        {"timeout", "3"},
                        {"windowsize", "64"}},
                       850528, limits);
    EXPECT_EQ(n.block_size, 1468);
    EXPECT_EQ(n.window_size, 16);
    EXPECT_EQ(n.timeout, std::chrono::seconds(3));
    std::vector<Option> want{
        {"blksize", "1468"}, {"tsize", "850528"}, {"timeout", "3"}, {"windowsize", "16"}};
    EXPECT_EQ(n.oack, want);
}

TEST(TftpOptions, IgnoresInvalidValues) {
    auto n = negotiate({{"blksize", "7"},
                        {"blksize2", "x"},
                        {"timeout", "0"},
                        {"timeout", "256"},
                        {"windowsize", "0"},
                        {"windowsize", "-1"},
                        {"tsize", "abc"},
                        {"blksize", " 512"}},
                       10, SessionLimits{});
    EXPECT_TRUE(n.oack.empty());
    EXPECT_EQ(n.block_size, 512);
}

TEST(TftpOptions, SmallBlockSizeHonoured) {
    auto n = negotiate({{"blksize", "8"}, {"timeout", "01"}}, 10, SessionLimits{});
    EXPECT_EQ(n.block_size, 8);
    std::vector<Option> want{{"blksize", "8"}, {"timeout", "1"}};
    EXPECT_EQ(n.oack, want);
}

}  // namespace
}  // namespace vq::tftp
