#include "plan/waves.h"

#include <gtest/gtest.h>

namespace vq::plan {
namespace {

std::vector<WaveHost> hosts(std::initializer_list<const char*> wfs) {
    std::vector<WaveHost> out;
    for (const char* w : wfs)
        out.push_back({w});
    return out;
}

TEST(Waves, NoLimitIsOneWave) {
    auto a = assignWaves(hosts({"w", "w", "w"}), {{"w", {0, {}}}});
    EXPECT_EQ(a.wave, (std::vector<int>{1, 1, 1}));
    EXPECT_EQ(a.waves, 1);
}

TEST(Waves, MaxConcurrentChunksInInventoryOrder) {
    auto a = assignWaves(hosts({"w", "w", "w", "w", "w"}), {{"w", {2, {}}}});
    EXPECT_EQ(a.wave, (std::vector<int>{1, 1, 2, 2, 3}));
    EXPECT_EQ(a.waves, 3);
}

TEST(Waves, IndependentWorkflowsShareWaves) {
    auto a = assignWaves(hosts({"a", "b", "a", "b"}), {{"a", {1, {}}}, {"b", {0, {}}}});
    EXPECT_EQ(a.wave, (std::vector<int>{1, 1, 2, 1}));
}

TEST(Waves, BlockDepsChainWaitsForEachLastWave) {
    // c waits for b, b waits for a: a in waves 1-2, b in 3, c in 4-5.
    auto a = assignWaves(hosts({"c", "b", "a", "a", "a", "c", "c"}),
                         {{"a", {2, {}}}, {"b", {0, {"a"}}}, {"c", {2, {"b"}}}});
    EXPECT_EQ(a.wave, (std::vector<int>{4, 3, 1, 1, 2, 4, 5}));
    EXPECT_EQ(a.blocked_by["c"], (std::vector<std::string>{"b"}));
    EXPECT_EQ(a.blocked_by["b"], (std::vector<std::string>{"a"}));
    EXPECT_TRUE(a.errors.empty());
}

TEST(Waves, AStandingDependencyBlocksNothing) {
    // b names a, but no host of a changes: b starts at once.
    auto a = assignWaves(hosts({"b"}), {{"a", {1, {}}}, {"b", {0, {"a"}}}});
    EXPECT_EQ(a.wave, (std::vector<int>{1}));
    EXPECT_TRUE(a.blocked_by.empty());
}

TEST(Waves, CycleIsReportedNotLooped) {
    auto a = assignWaves(hosts({"a", "b"}), {{"a", {0, {"b"}}}, {"b", {0, {"a"}}}});
    ASSERT_EQ(a.errors.size(), 1u);
    EXPECT_EQ(a.errors[0], "block_deps cycle: a -> b -> a");
    EXPECT_EQ(a.wave.size(), 2u);
}

}  // namespace
}  // namespace vq::plan
