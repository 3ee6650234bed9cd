#pragma once
// What every workflow::RolloutStore must do, whatever keeps it: run against the embedded
// store (sqlite_rollout_store_test.cc) and etcd (etcd_store_test.cc). `reopen` gives a new
// store object on the same storage, as a restart would.

#include <functional>
#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "workflow/rollout_store.h"

namespace vq::store::contract {

using namespace workflow;
using Reopen = std::function<std::unique_ptr<RolloutStore>()>;

inline StoredTransition transition(const std::string& host, Phase to, uint32_t stage) {
    StoredTransition t;
    t.time = WallTime(std::chrono::milliseconds(1'800'000'000'000 + stage));
    t.transition =
        PhaseTransition{host, Phase::provisioned, to, stage, 7, "why " + std::to_string(stage)};
    return t;
}

inline void recordsAndHistorySurviveReopening(const Reopen& reopen) {
    HostRecord a;
    a.key = "lab/a";
    a.phase = Phase::rebooting;
    a.stage = 1;
    a.revision = 7;
    a.provisioned_revision = 5;
    a.attempts = 2;
    a.previous_revision = 5;
    a.queued_revision = 9;
    a.rolled_back = true;
    {
        auto s = reopen();
        std::vector<StoredTransition> list;
        for (uint32_t i = 0; i < 6; ++i)
            list.push_back(transition("lab/a", Phase::booting, i));
        auto t = s->saveRollout(RolloutChanges{{a}, {FlowRecord{"lab/w", true, "host failed"}}},
                                list, 4);
        ASSERT_TRUE(s->wait(t));
        a.phase = Phase::booting;  // a later write replaces the record
        ASSERT_TRUE(s->wait(
            s->saveRollout(RolloutChanges{{a}, {}}, {transition("lab/a", Phase::booting, 6)}, 4)));
    }
    auto s = reopen();
    auto state = s->loadRollout(3);
    ASSERT_TRUE(state) << state.message();
    ASSERT_EQ(state->hosts.size(), 1u);
    EXPECT_EQ(state->hosts[0], a);
    ASSERT_EQ(state->flows.size(), 1u);
    EXPECT_EQ(state->flows[0], (FlowRecord{"lab/w", true, "host failed"}));
    const auto& h = state->history["lab/a"];
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[0].transition.stage, 4u);
    EXPECT_EQ(h[2].transition.stage, 6u);
    EXPECT_EQ(h[2].transition.reason, "why 6");
    EXPECT_EQ(h[2].transition.to, Phase::booting);
    EXPECT_EQ(h[2].time, WallTime(std::chrono::milliseconds(1'800'000'000'006)));
    // At most `history` (4) rows per host stay in the file.
    auto wider = s->loadRollout(100);
    EXPECT_EQ(wider->history["lab/a"].size(), 4u);
}

// The revision the rollout planned is kept beside the records that follow it; a write that
// does not name one leaves it as it was.
inline void thePlannedRevisionSurvivesReopening(const Reopen& reopen) {
    {
        auto s = reopen();
        auto empty = s->loadRollout(4);
        ASSERT_TRUE(empty) << empty.message();
        EXPECT_EQ(empty->follow, 0u) << "nothing planned yet";
        HostRecord follows;
        follows.key = "lab/f";
        RolloutChanges c{{follows}, {}};
        c.follow = 3;
        ASSERT_TRUE(s->wait(s->saveRollout(c, {}, 4)));
        HostRecord named;
        named.key = "lab/n";
        named.phase = Phase::pending;
        named.revision = 4;
        named.provisioned_revision = 3;
        ASSERT_TRUE(s->wait(s->saveRollout(RolloutChanges{{named}, {}}, {}, 4)));
    }
    auto s = reopen();
    auto state = s->loadRollout(4);
    ASSERT_TRUE(state) << state.message();
    EXPECT_EQ(state->follow, 3u);
    std::map<std::string, HostRecord> by_key;
    for (const auto& h : state->hosts)
        by_key[h.key] = h;
    ASSERT_TRUE(by_key.contains("lab/f") && by_key.contains("lab/n"));
    EXPECT_TRUE(by_key["lab/f"].follows());
    EXPECT_FALSE(by_key["lab/n"].follows());
    RolloutChanges moved;
    moved.follow = 4;
    ASSERT_TRUE(s->wait(s->saveRollout(moved, {}, 4)));
    EXPECT_EQ(reopen()->loadRollout(4)->follow, 4u);
}

inline void revisionsKeepTheirBundleAndPruneAroundPins(const Reopen& reopen) {
    auto s = reopen();
    EXPECT_FALSE(*s->latestRevision());
    std::string blob("\0\1binary\xff", 9);
    for (uint64_t n = 1; n <= 5; ++n) {
        StoredRevision r{n, "sot", n == 3 ? "abc123" : "", WallTime(std::chrono::milliseconds(n)),
                         blob + std::to_string(n)};
        ASSERT_TRUE(s->saveRevision(r));
    }
    auto latest = s->latestRevision();
    ASSERT_TRUE(latest && *latest);
    EXPECT_EQ((*latest)->number, 5u);
    EXPECT_EQ((*latest)->bundle, blob + "5");
    auto third = s->revision(3);
    ASSERT_TRUE(third && *third);
    EXPECT_EQ((*third)->commit, "abc123");
    ASSERT_TRUE(s->pruneRevisions(2, {1}));
    EXPECT_EQ(*s->revisionNumbers(), (std::vector<uint64_t>{1, 4, 5}));
    EXPECT_FALSE(*s->revision(3));
}

}  // namespace vq::store::contract
