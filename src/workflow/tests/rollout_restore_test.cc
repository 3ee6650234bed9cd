// Persistence of a rollout: what takeChanges reports is all a restart needs, and a restored
// rollout carries on without repeating a power action.
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "workflow/rollout.h"
#include "workflow/rollout_record.h"

namespace vq::workflow {
namespace {

using namespace std::chrono_literals;

RolloutHost host(std::string key, std::string wf, uint32_t stages = 1, bool validate = false) {
    RolloutHost h;
    h.key = std::move(key);
    h.workflow = std::move(wf);
    h.has_bmc = true;
    h.stages = stages;
    h.has_validate = validate;
    return h;
}

WorkflowRules rules(std::string id, int max_concurrent, OnFailure then = OnFailure::rollback) {
    WorkflowRules w;
    w.id = std::move(id);
    w.max_concurrent = {max_concurrent, false};
    w.policy.stage_timeout = 60s;
    w.policy.retry = 1;
    w.policy.then = then;
    return w;
}

// Stored records, as a store would keep them: the last written record per key wins.
struct Stored {
    std::map<std::string, HostRecord> hosts;
    std::map<std::string, FlowRecord> flows;
    uint64_t follow = 0;
    size_t host_writes = 0;
    void write(RolloutChanges c) {
        host_writes += c.hosts.size();
        for (auto& h : c.hosts)
            hosts[h.key] = std::move(h);
        for (auto& f : c.flows)
            flows[f.id] = std::move(f);
        if (c.follow != 0)
            follow = c.follow;
    }
    std::vector<HostRecord> hostList() const {
        std::vector<HostRecord> out;
        for (const auto& [k, h] : hosts)
            out.push_back(h);
        return out;
    }
    std::vector<FlowRecord> flowList() const {
        std::vector<FlowRecord> out;
        for (const auto& [k, f] : flows)
            out.push_back(f);
        return out;
    }
};

TEST(RolloutRestore, ChangesNameOnlyWhatMovedAndAreTakenOnce) {
    Rollout r({rules("w", 1)}, {host("a", "w"), host("b", "w"), host("c", "w")}, 1, {});
    RolloutChanges first = r.takeChanges();
    EXPECT_TRUE(first.hosts.empty() && first.flows.empty())
        << "a new rollout writes only the revision it follows";
    EXPECT_EQ(first.follow, 1u);
    EXPECT_TRUE(r.takeChanges().empty());
    r.outOfDate("b", 2, "changed", {});
    RolloutChanges c = r.takeChanges();
    ASSERT_EQ(c.hosts.size(), 1u);
    EXPECT_EQ(c.hosts[0].key, "b");
    EXPECT_EQ(c.hosts[0].phase, Phase::rebooting);
    EXPECT_EQ(c.hosts[0].revision, 2u);
    EXPECT_EQ(c.hosts[0].provisioned_revision, 1u);
    EXPECT_EQ(c.hosts[0].previous_revision, 1u);
    ASSERT_EQ(c.flows.size(), 1u) << "its workflow has a rollout under way";
    EXPECT_TRUE(c.flows[0].changing);
    EXPECT_TRUE(r.takeChanges().empty());
    r.halt("w", "operator");
    c = r.takeChanges();
    ASSERT_EQ(c.flows.size(), 1u);
    EXPECT_TRUE(c.flows[0].halted);
    EXPECT_EQ(c.flows[0].reason, "operator");
}

TEST(RolloutRestore, ARebootingHostIsNotCycledAgainAfterARestart) {
    const std::vector<RolloutHost> specs = {host("a", "w", 2), host("b", "w", 2)};
    Rollout before({rules("w", 1)}, specs, 1, {});
    Step s = before.outOfDate({{"a", "x"}, {"b", "x"}}, 2, {});
    ASSERT_EQ(s.actions.size(), 1u);
    Stored stored;
    stored.write(before.takeChanges());

    Rollout after({rules("w", 1)}, specs, 1, TimePoint{} + 5s);
    Step resumed =
        after.restore(stored.hostList(), stored.flowList(), TimePoint{} + 5s, stored.follow);
    EXPECT_TRUE(resumed.actions.empty()) << "the power action was already handed out";
    EXPECT_EQ(after.status("a")->phase, Phase::rebooting);
    EXPECT_EQ(after.status("b")->phase, Phase::pending);
    EXPECT_EQ(after.status("a")->revision, 2u);
    EXPECT_TRUE(after.tick(TimePoint{} + 6s).actions.empty()) << "b still waits for its turn";
    EXPECT_TRUE(after.takeChanges().empty()) << "restoring is not a change";
    // Its checkpoint carries it on; the timeout counts from the restart.
    after.checkpoint("a", 0, TimePoint{} + 7s);
    EXPECT_EQ(after.status("a")->phase, Phase::booting);
    EXPECT_EQ(after.status("a")->stage, 1u);
    Step late = after.tick(TimePoint{} + 7s + 59s);
    EXPECT_TRUE(late.transitions.empty());
}

TEST(RolloutRestore, LostContainerRunsAreHandedOutAgain) {
    const std::vector<RolloutHost> specs = {host("a", "w", 1, true)};
    Rollout before({rules("w", 0)}, specs, 1, {});
    before.outOfDate("a", 2, "x", {});
    before.actionDone("a", ActionKind::reboot, true, "", {});
    before.checkpoint("a", 0, {});
    ASSERT_EQ(before.status("a")->phase, Phase::validating);
    Stored stored;
    stored.write(before.takeChanges());
    Rollout after({rules("w", 0)}, specs, 1, {});
    Step s = after.restore(stored.hostList(), {}, {});
    ASSERT_EQ(s.actions.size(), 1u);
    EXPECT_EQ(s.actions[0].kind, ActionKind::validate);
    EXPECT_EQ(s.actions[0].revision, 2u);
}

TEST(RolloutRestore, UnknownKeysAndOutOfRangeStagesAreHarmless) {
    Rollout r({rules("w", 0)}, {host("a", "w", 2)}, 1, {});
    HostRecord gone;
    gone.key = "removed";
    gone.phase = Phase::booting;
    HostRecord a;
    a.key = "a";
    a.phase = Phase::booting;
    a.stage = 99;  // a workflow that lost stages since
    a.revision = 3;
    a.provisioned_revision = 1;
    r.restore({gone, a}, {FlowRecord{"nope", true, "x"}}, {});
    EXPECT_FALSE(r.status("removed"));
    EXPECT_EQ(r.status("a")->stage, 1u);
    EXPECT_FALSE(r.halted("nope"));
    EXPECT_EQ(r.pinnedRevisions(), (std::set<uint64_t>{1, 3}));
}

// A SoT change writes the records of the hosts it changed and the revision the others now
// follow; a restart puts the others on that revision.
TEST(RolloutRestore, HostsAnUnchangedRevisionLeavesAsTheyAreAreNotWrittenAgain) {
    const std::vector<RolloutHost> specs = {host("a", "w"), host("b", "w"), host("c", "w")};
    Rollout live({rules("w", 0)}, specs, 1, {});
    Stored stored;
    stored.write(live.takeChanges());
    // b is reprovisioned from revision 2; once done it follows like the others.
    live.advanceUnchanged(2, {"b"});
    live.outOfDate("b", 2, "edit", {});
    stored.write(live.takeChanges());
    EXPECT_EQ(stored.host_writes, 1u) << "only b";
    EXPECT_EQ(stored.follow, 2u);
    live.actionDone("b", ActionKind::reboot, true, "", {});
    live.checkpoint("b", 0, {});
    ASSERT_EQ(live.status("b")->phase, Phase::provisioned);
    stored.write(live.takeChanges());
    EXPECT_TRUE(stored.hosts.at("b").follows()) << "provisioned from the planned revision";

    // Ten revisions that change nothing: one number each, no record.
    const size_t writes = stored.host_writes;
    for (uint64_t n = 3; n <= 12; ++n) {
        live.advanceUnchanged(n, {});
        stored.write(live.takeChanges());
    }
    EXPECT_EQ(stored.host_writes, writes);
    EXPECT_EQ(stored.follow, 12u);
    EXPECT_EQ(live.pinnedRevisions(), (std::set<uint64_t>{12}));

    Rollout after({rules("w", 0)}, specs, stored.follow, {});
    after.restore(stored.hostList(), stored.flowList(), {}, stored.follow);
    EXPECT_EQ(after.records(), live.records());
    EXPECT_TRUE(after.takeChanges().empty());
}

// A host provisioned from a revision the rollout had not planned (told out of date before the
// revision was planned) names it; when the planned revision moves past, it follows, and its
// record must say so.
TEST(RolloutRestore, AHostThatDidNotFollowIsWrittenWhenTheRevisionMovesIt) {
    const std::vector<RolloutHost> specs = {host("a", "w")};
    Rollout live({rules("w", 0)}, specs, 1, {});
    Stored stored;
    live.outOfDate("a", 5, "edit", {});
    live.actionDone("a", ActionKind::reboot, true, "", {});
    live.checkpoint("a", 0, {});
    ASSERT_EQ(live.status("a")->phase, Phase::provisioned);
    stored.write(live.takeChanges());
    ASSERT_FALSE(stored.hosts.at("a").follows());
    EXPECT_EQ(stored.hosts.at("a").revision, 5u);

    live.advanceUnchanged(6, {});
    RolloutChanges c = live.takeChanges();
    ASSERT_EQ(c.hosts.size(), 1u) << "its stored record names revision 5";
    EXPECT_TRUE(c.hosts[0].follows());
    stored.write(std::move(c));
    Rollout after({rules("w", 0)}, specs, stored.follow, {});
    after.restore(stored.hostList(), stored.flowList(), {}, stored.follow);
    EXPECT_EQ(after.status("a")->revision, 6u);
    EXPECT_EQ(after.records(), live.records());
}

// Stored by a rollout that planned revision 3, restored by one on revision 2 (the server
// plans 3 again after the restart): the following records are on 3 and named, so that
// writing revision 2 as the planned one moves none of them.
TEST(RolloutRestore, FollowingRecordsOfAnotherRevisionAreNamedOnRestore) {
    const std::vector<RolloutHost> specs = {host("a", "w"), host("b", "w")};
    HostRecord a;
    a.key = "a";  // follows
    HostRecord b;
    b.key = "b";
    b.phase = Phase::pending;
    b.revision = 3;
    b.provisioned_revision = 1;
    Rollout r({rules("w", 0)}, specs, 2, {});
    r.restore({a, b}, {}, {}, 3);
    EXPECT_EQ(r.status("a")->revision, 3u);
    EXPECT_EQ(r.status("a")->provisioned_revision, 3u);
    RolloutChanges c = r.takeChanges();
    ASSERT_EQ(c.hosts.size(), 1u);
    EXPECT_EQ(c.hosts[0].key, "a");
    EXPECT_EQ(c.hosts[0].revision, 3u) << "named: the stored planned revision becomes 2";
    EXPECT_EQ(c.follow, 2u);
}

// Random histories with restarts: whatever happens, a rollout rebuilt from the stored
// changes equals the one that wrote them.
TEST(RolloutRestoreProperty, StoredChangesRebuildTheSameRollout) {
    const std::vector<std::string> keys = {"a", "b", "c", "d", "e"};
    std::vector<RolloutHost> specs;
    for (size_t i = 0; i < keys.size(); ++i)
        specs.push_back(host(keys[i], i < 3 ? "w" : "v", 2, i % 2 == 0));
    std::vector<WorkflowRules> wf = {rules("w", 1, OnFailure::rollback),
                                     rules("v", 2, OnFailure::halt)};
    wf[1].validate_on = {"w"};  // a rollout of w ending re-validates v's hosts
    for (unsigned seed = 1; seed <= 40; ++seed) {
        std::mt19937 rng(seed);
        TimePoint now{};
        uint64_t revision = 1;
        auto live = std::make_unique<Rollout>(wf, specs, 1, now);
        Stored stored;
        for (int i = 0; i < 200; ++i) {
            const std::string& k = keys[rng() % keys.size()];
            switch (rng() % 9) {
                case 0:
                    live->outOfDate(k, ++revision, "edit", now);
                    break;
                case 1:
                    live->checkpoint(k, rng() % 2, now);
                    break;
                case 2:
                    live->actionDone(k, ActionKind::reboot, rng() % 4 != 0, "x", now);
                    break;
                case 3:
                    live->actionDone(k, ActionKind::validate, rng() % 3 != 0, "x", now);
                    break;
                case 4:
                    now += std::chrono::seconds(rng() % 90);
                    live->tick(now);
                    break;
                case 5:
                    live->resume(rng() % 2 ? "w" : "v", now);
                    break;
                case 6:
                    live->halt(rng() % 2 ? "w" : "v", "operator");
                    break;
                case 7: {  // a SoT change: some hosts changed, the others move onto it
                    ++revision;
                    std::set<std::string, std::less<>> changed;
                    std::vector<std::pair<std::string, std::string>> stale;
                    for (const auto& key : keys) {
                        if (rng() % 3 == 0) {
                            changed.insert(key);
                            stale.emplace_back(key, "edit");
                        }
                    }
                    live->advanceUnchanged(revision, changed);
                    live->outOfDate(stale, revision, now);
                    break;
                }
                default: {  // a restart, on the revision the rollout planned
                    stored.write(live->takeChanges());
                    auto next = std::make_unique<Rollout>(wf, specs, stored.follow, now);
                    next->restore(stored.hostList(), stored.flowList(), now, stored.follow);
                    ASSERT_EQ(next->records(), live->records()) << "seed " << seed << " step " << i;
                    ASSERT_EQ(next->pinnedRevisions(), live->pinnedRevisions()) << "seed " << seed;
                    for (const char* f : {"w", "v"})
                        ASSERT_EQ(next->halted(f), live->halted(f)) << "seed " << seed;
                    live = std::move(next);
                    break;
                }
            }
            stored.write(live->takeChanges());
        }
    }
}

}  // namespace
}  // namespace vq::workflow
