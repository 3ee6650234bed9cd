// Hosts a revision no longer has leave the rollout; hosts a revision leaves unchanged move
// onto it; a revision no host pins any more is released at once.
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "workflow/rollout.h"
#include "workflow/rollout_record.h"
#include "workflow/tests/rollout_harness.h"

namespace vq::workflow {
namespace {

using namespace std::chrono_literals;
using namespace testing;

TEST(RolloutRemoval, AHostInTheMiddleOfItsInstallLeavesAndFreesItsSlot) {
    Harness x({rules("w", 1)}, {host("a", "w"), host("b", "w")});
    x.stale("a");
    x.stale("b");
    ASSERT_EQ(x.phase("a"), Phase::rebooting);
    ASSERT_EQ(x.phase("b"), Phase::pending);
    const size_t powered = x.actions.size();

    Step s = x.remove("a", 3);
    ASSERT_FALSE(s.transitions.empty());
    EXPECT_EQ(s.transitions[0].host, "a");
    EXPECT_EQ(s.transitions[0].from, Phase::rebooting);
    EXPECT_EQ(s.transitions[0].to, Phase::removed);
    EXPECT_EQ(s.transitions[0].reason, "removed from the SoT in revision 3");
    EXPECT_FALSE(x.r->status("a")) << "no longer in the rollout";
    EXPECT_EQ(x.phase("b"), Phase::rebooting) << "a's max_concurrent slot went to b";
    EXPECT_EQ(x.r->inFlight("w"), 1u);
    EXPECT_EQ(x.r->hostsOf("w"), (std::vector<std::string>{"b"}));
    EXPECT_EQ(x.r->hostKeys(), (std::vector<std::string>{"b"}));

    // Whatever comes for it later moves nothing and powers nothing.
    EXPECT_TRUE(x.rebooted("a").transitions.empty());
    EXPECT_TRUE(x.cp("a").transitions.empty());
    EXPECT_TRUE(x.r->outOfDate("a", 4, "again", x.now).transitions.empty());
    x.now += 2h;  // past every stage timeout: only b fails
    Step late = x.keep(x.r->tick(x.now));
    for (const auto& t : late.transitions)
        EXPECT_NE(t.host, "a");
    for (size_t i = powered; i < x.actions.size(); ++i)
        EXPECT_NE(x.actions[i].host, "a") << "a removed host is never powered";
    EXPECT_TRUE(x.remove("a", 5).transitions.empty()) << "removed once";
}

TEST(RolloutRemoval, RemovedHostsCountNeitherForMinStandingNorForMaxFail) {
    WorkflowRules masters = rules("masters");
    masters.min_standing = 2;
    WorkflowRules workers = rules("workers");
    workers.block_deps = {"masters"};
    workers.max_fail = {50, true};
    workers.policy.then = OnFailure::proceed;
    Harness x({masters, workers},
              {host("m1", "masters"), host("m2", "masters"), host("w1", "workers"),
               host("w2", "workers"), host("w3", "workers"), host("w4", "workers")});
    EXPECT_EQ(x.r->blockedBy("workers"), "");
    x.remove("m2", 2);
    EXPECT_NE(x.r->blockedBy("workers").find("1 of min_standing 2"), std::string::npos)
        << "a removed master no longer stands: " << x.r->blockedBy("workers");

    // max_fail 50 % of the workers: of 4 hosts 2 may fail; of 2 (two removed) only 1.
    x.remove("w3", 2);
    x.remove("w4", 2);
    x.r->addHost(host("m3", "masters"), 2, x.now);  // unblocks the workers
    x.stale("w1");
    x.stale("w2");
    ASSERT_EQ(x.phase("w1"), Phase::rebooting);
    x.keep(x.r->actionDone("w1", ActionKind::reboot, false, "bmc unreachable", x.now));
    EXPECT_FALSE(x.r->halted("workers")) << "1 failed of 2: not more than 50 %";
    x.keep(x.r->actionDone("w2", ActionKind::reboot, false, "bmc unreachable", x.now));
    EXPECT_TRUE(x.r->halted("workers")) << "2 failed of the 2 left: more than 50 %";
}

TEST(RolloutRemoval, AHostAddedBackStartsAsNew) {
    WorkflowRules w = rules("w");
    w.policy.then = OnFailure::proceed;
    Harness x({w}, {host("a", "w")});
    x.stale("a");
    x.keep(x.r->actionDone("a", ActionKind::reboot, false, "bmc unreachable", x.now));
    ASSERT_EQ(x.phase("a"), Phase::failed);
    x.remove("a", 3);
    EXPECT_TRUE(x.r->addHost(host("a", "w"), 4, x.now));
    auto st = x.r->status("a");
    ASSERT_TRUE(st);
    EXPECT_EQ(st->phase, Phase::provisioned);
    EXPECT_EQ(st->revision, 4u);
    EXPECT_EQ(st->provisioned_revision, 4u);
    EXPECT_EQ(st->attempts, 0u);
    EXPECT_EQ(x.r->hostsOf("w"), (std::vector<std::string>{"a"})) << "listed once";
    EXPECT_EQ(x.r->pinnedRevisions(), (std::set<uint64_t>{4}));
    // And it goes through a rollout like any host.
    x.stale("a", 5);
    EXPECT_EQ(x.phase("a"), Phase::rebooting);
}

TEST(RolloutRemoval, TheRemovalIsARecordAndARestartDoesNotBringTheHostBack) {
    Harness x({rules("w")}, {host("a", "w"), host("b", "w")});
    x.stale("a");
    (void)x.r->takeChanges();
    x.remove("a", 3);
    RolloutChanges changes = x.r->takeChanges();
    ASSERT_EQ(changes.hosts.size(), 1u);
    EXPECT_EQ(changes.hosts[0].key, "a");
    EXPECT_EQ(changes.hosts[0].phase, Phase::removed);
    EXPECT_EQ(changes.hosts[0].revision, 3u) << "the revision that removed it";
    EXPECT_EQ(parsePhase("removed"), Phase::removed);

    // A model that has the host again (its removal was not the last word): a new host.
    Rollout again({rules("w")}, {host("a", "w"), host("b", "w")}, 4, x.now);
    Step s = again.restore(x.r->records(), {}, x.now);
    EXPECT_TRUE(s.actions.empty());
    EXPECT_EQ(again.status("a")->phase, Phase::provisioned);
    EXPECT_EQ(again.status("a")->revision, 4u);
}

TEST(RolloutPins, UnchangedHostsMoveOntoTheNewRevision) {
    Harness x({rules("w")}, {host("a", "w"), host("b", "w"), host("c", "w")});
    x.r->advanceUnchanged(2, {"a"});
    x.stale("a", 2);
    EXPECT_EQ(x.r->status("b")->provisioned_revision, 2u);
    EXPECT_EQ(x.r->status("b")->revision, 2u);
    EXPECT_EQ(x.r->pinnedRevisions(), (std::set<uint64_t>{1, 2})) << "a still runs revision 1";
    EXPECT_TRUE(x.r->takeReleased().empty());

    // a is provisioned from 2: nothing needs revision 1 any more.
    x.rebooted("a");
    x.cp("a");
    ASSERT_EQ(x.phase("a"), Phase::provisioned);
    EXPECT_EQ(x.r->pinnedRevisions(), (std::set<uint64_t>{2}));
    EXPECT_EQ(x.r->takeReleased(), (std::set<uint64_t>{1}));
    EXPECT_TRUE(x.r->takeReleased().empty()) << "told once";
}

TEST(RolloutPins, AHostFinishingAnOlderRevisionLandsOnTheNewestWhenNothingChangedItSince) {
    Harness x({rules("w")}, {host("a", "w"), host("b", "w")});
    x.r->advanceUnchanged(2, {"a"});
    x.stale("a", 2);  // a provisions from 2
    x.r->advanceUnchanged(3, {"b"});
    x.stale("b", 3);  // 3 changes b only: a, in flight, is not touched
    EXPECT_EQ(x.r->pinnedRevisions(), (std::set<uint64_t>{1, 2, 3}));
    x.rebooted("a");
    x.cp("a");
    EXPECT_EQ(x.r->status("a")->provisioned_revision, 3u) << "revision 3 serves it the same bytes";
    x.rebooted("b");
    x.cp("b");
    EXPECT_EQ(x.r->pinnedRevisions(), (std::set<uint64_t>{3}));
    EXPECT_EQ(x.r->takeReleased(), (std::set<uint64_t>{1, 2}));
}

TEST(RolloutPins, ARemovedHostPinsNothingAndARollbackKeepsItsRevision) {
    WorkflowRules w = rules("w");
    w.policy.then = OnFailure::rollback;
    Harness x({w}, {host("a", "w"), host("b", "w")});
    x.r->advanceUnchanged(2, {"a", "b"});
    x.stale("a", 2);
    x.stale("b", 2);
    x.remove("b", 3);
    x.r->advanceUnchanged(3, {});
    // a fails on 2 and rolls back to 1: 1 stays pinned while it is provisioned from it.
    x.keep(x.r->actionDone("a", ActionKind::reboot, false, "bmc unreachable", x.now));
    ASSERT_EQ(x.phase("a"), Phase::rebooting) << "rolled back, and started again at once";
    EXPECT_EQ(x.r->status("a")->revision, 1u);
    x.rebooted("a");
    x.cp("a");
    EXPECT_EQ(x.r->status("a")->provisioned_revision, 1u) << "rolled back: not moved forward";
    EXPECT_EQ(x.r->pinnedRevisions(), (std::set<uint64_t>{1}));
    x.r->advanceUnchanged(4, {});
    EXPECT_EQ(x.r->status("a")->provisioned_revision, 1u) << "still where it rolled back to";
}

// Random histories with removals, returns and revisions that leave hosts unchanged: every
// transition starts where the host's previous one ended, a removed host is never acted on
// until it is back, max_concurrent holds, and the pinned revisions are exactly those the
// hosts' records name.
TEST(RolloutRemovalProperty, RandomRemovalsAndReturnsKeepTheRulesAndThePins) {
    std::mt19937 rng(20261204);
    for (int run = 0; run < 150; ++run) {
        WorkflowRules w = rules("w", 1 + static_cast<int>(rng() % 3));
        w.policy.stage_timeout = 100s;
        w.policy.retry = static_cast<int>(rng() % 2);
        w.policy.then = static_cast<OnFailure>(rng() % 3);
        std::vector<RolloutHost> hosts;
        for (int i = 0; i < 6; ++i)
            hosts.push_back(host("h" + std::to_string(i), "w"));
        Harness x({w}, hosts);
        std::map<std::string, Phase> last;
        for (const auto& h : hosts)
            last[h.key] = Phase::provisioned;
        uint64_t revision = 1;
        for (int op = 0; op < 300; ++op) {
            const std::string h = "h" + std::to_string(rng() % 6);
            const size_t acted = x.actions.size();
            Step s;
            switch (rng() % 7) {
                case 0: {
                    ++revision;
                    x.r->advanceUnchanged(revision, {h});
                    s = x.keep(x.r->outOfDate(h, revision, "changed", x.now));
                    break;
                }
                case 1:
                    s = x.cp(h);
                    break;
                case 2:
                    s = x.keep(
                        x.r->actionDone(h, ActionKind::reboot, rng() % 4 != 0, "random", x.now));
                    break;
                case 3:
                    x.now += std::chrono::seconds(rng() % 120);
                    s = x.keep(x.r->tick(x.now));
                    break;
                case 4:
                    s = x.remove(h, ++revision);
                    break;
                case 5:
                    if (x.r->addHost(host(h, "w"), revision, x.now)) {
                        ASSERT_EQ(last[h], Phase::removed) << "only a removed host comes back";
                        last[h] = Phase::provisioned;
                    }
                    break;
                default:
                    s = x.keep(x.r->resume("w", x.now));
                    break;
            }
            for (const auto& t : s.transitions) {
                ASSERT_EQ(t.from, last[t.host]) << "run " << run << " op " << op << " " << t.host;
                last[t.host] = t.to;
            }
            for (size_t i = acted; i < x.actions.size(); ++i) {
                ASSERT_NE(last[x.actions[i].host], Phase::removed)
                    << "run " << run << " op " << op << ": acted on removed " << x.actions[i].host;
            }
            ASSERT_LE(x.r->inFlight("w"), static_cast<size_t>(w.max_concurrent.of(6)));
            std::set<uint64_t> named;
            for (const auto& r : x.r->records()) {
                if (r.phase == Phase::removed)
                    continue;
                for (uint64_t n :
                     {r.revision, r.provisioned_revision, r.previous_revision, r.queued_revision})
                    if (n != 0)
                        named.insert(n);
            }
            ASSERT_EQ(x.r->pinnedRevisions(), named) << "run " << run << " op " << op;
        }
    }
}

}  // namespace
}  // namespace vq::workflow
