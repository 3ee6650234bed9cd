#include "tftp/server/send_batches.h"

#include <array>
#include <vector>

#include <gtest/gtest.h>

namespace vq::tftp {
namespace {

std::vector<uint8_t> file(size_t n) {
    return std::vector<uint8_t>(n, 0x5a);
}

Datagram block(std::span<const uint8_t> payload) {
    Datagram d;
    d.payload = payload;
    return d;
}

Datagram control() {
    Datagram d;
    d.control = {0, 6, 'x', 0};
    return d;
}

std::vector<SendBatch> plan(const std::vector<Datagram>& run, bool gso, size_t room = 64) {
    std::vector<SendBatch> out(room);
    out.resize(planBatches(run, gso, out));
    return out;
}

TEST(SendBatches, AWindowOfEqualBlocksIsOneSegmentedMessage) {
    auto bytes = file(1468);
    std::vector<Datagram> run(16, block(bytes));
    auto b = plan(run, true);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].first, 0u);
    EXPECT_EQ(b[0].count, 16u);
    EXPECT_EQ(b[0].segment_size, 1472u);
}

TEST(SendBatches, WithoutGsoEveryDatagramGoesAlone) {
    auto bytes = file(1468);
    std::vector<Datagram> run(3, block(bytes));
    auto b = plan(run, false);
    ASSERT_EQ(b.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(b[i].first, i);
        EXPECT_EQ(b[i].count, 1u);
        EXPECT_EQ(b[i].segment_size, 0u);
    }
}

TEST(SendBatches, TheShortLastBlockEndsTheBatch) {
    auto full = file(512), tail = file(100);
    std::vector<Datagram> run = {block(full), block(full), block(tail)};
    auto b = plan(run, true);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].count, 3u);
    EXPECT_EQ(b[0].segment_size, 516u);
}

TEST(SendBatches, AnEmptyFinalBlockStillRidesAlong) {
    auto full = file(512);
    std::vector<Datagram> run = {block(full), block({})};
    auto b = plan(run, true);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].count, 2u);
    EXPECT_EQ(b[0].segment_size, 516u);
}

TEST(SendBatches, ALargerBlockAfterASmallerOneStartsANewBatch) {
    auto small = file(100), full = file(512);
    std::vector<Datagram> run = {block(small), block(full), block(full)};
    auto b = plan(run, true);
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].count, 1u);
    EXPECT_EQ(b[0].segment_size, 0u);  // a lone datagram needs no segmentation
    EXPECT_EQ(b[1].first, 1u);
    EXPECT_EQ(b[1].count, 2u);
}

TEST(SendBatches, ControlDatagramsGoAlone) {
    auto full = file(512);
    std::vector<Datagram> run = {control(), block(full), block(full)};
    auto b = plan(run, true);
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].count, 1u);
    EXPECT_EQ(b[0].segment_size, 0u);
    EXPECT_EQ(b[1].count, 2u);
}

TEST(SendBatches, KernelLimitsSplitLongRuns) {
    auto full = file(1468);
    std::vector<Datagram> run(64, block(full));  // 64 x 1472 bytes > 65507
    auto b = plan(run, true);
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].count, kMaxGsoBytes / 1472);
    EXPECT_EQ(b[0].count + b[1].count, 64u);

    auto tiny = file(8);
    std::vector<Datagram> many(100, block(tiny));
    auto c = plan(many, true);
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].count, kMaxGsoSegments);
}

TEST(SendBatches, StopsWhenTheOutputIsFull) {
    auto full = file(512);
    std::vector<Datagram> run(5, block(full));
    auto b = plan(run, false, 2);
    EXPECT_EQ(b.size(), 2u);
}

}  // namespace
}  // namespace vq::tftp
