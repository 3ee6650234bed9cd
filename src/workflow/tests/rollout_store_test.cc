#include "workflow/rollout_store.h"

#include <gtest/gtest.h>

namespace vq::workflow {
namespace {

StoredTransition transition(const std::string& host, uint32_t stage) {
    StoredTransition t;
    t.transition.host = host;
    t.transition.stage = stage;
    return t;
}

TEST(MemoryRolloutStore, KeepsTheNewestHistoryAndRecords) {
    MemoryRolloutStore s;
    HostRecord a;
    a.key = "s/a";
    a.phase = Phase::booting;
    std::vector<StoredTransition> list;
    for (uint32_t i = 0; i < 5; ++i)
        list.push_back(transition("s/a", i));
    auto t = s.saveRollout(RolloutChanges{{a}, {FlowRecord{"s/w", true, "r"}}}, list, 3);
    ASSERT_TRUE(s.wait(t));
    auto state = s.loadRollout(2);
    ASSERT_TRUE(state);
    ASSERT_EQ(state->hosts.size(), 1u);
    EXPECT_EQ(state->hosts[0], a);
    ASSERT_EQ(state->flows.size(), 1u);
    EXPECT_TRUE(state->flows[0].halted);
    ASSERT_EQ(state->history["s/a"].size(), 2u);
    EXPECT_EQ(state->history["s/a"][1].transition.stage, 4u);
    s.failWrites(true);
    EXPECT_FALSE(s.wait(s.saveRollout({}, {}, 3)));
}

TEST(MemoryRolloutStore, PruningKeepsTheNewestAndThePinned) {
    MemoryRolloutStore s;
    for (uint64_t n = 1; n <= 6; ++n)
        ASSERT_TRUE(s.saveRevision(StoredRevision{n, "sot", "", {}, "blob"}));
    ASSERT_TRUE(s.pruneRevisions(2, {2}));
    EXPECT_EQ(*s.revisionNumbers(), (std::vector<uint64_t>{2, 5, 6}));
    EXPECT_EQ((*s.latestRevision())->number, 6u);
    EXPECT_FALSE(*s.revision(3));
}

}  // namespace
}  // namespace vq::workflow
