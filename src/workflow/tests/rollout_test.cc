#include "workflow/rollout.h"

#include <random>

#include <gtest/gtest.h>

#include "workflow/tests/rollout_harness.h"

namespace vq::workflow {
namespace {

using namespace std::chrono_literals;
using namespace testing;

TEST(Rollout, MaxConcurrentOneGoesInInventoryOrder) {
    Harness x({rules("w", 1)}, {host("a", "w"), host("b", "w"), host("c", "w")});
    x.stale("c");
    x.stale("a");
    x.stale("b");
    EXPECT_EQ(x.phase("c"), Phase::rebooting) << "first out of date, nothing else in flight";
    EXPECT_EQ(x.phase("a"), Phase::pending);
    EXPECT_EQ(x.r->inFlight("w"), 1u);
    ASSERT_EQ(x.actions.size(), 1u);
    EXPECT_EQ(x.actions[0].kind, ActionKind::reboot);
    EXPECT_EQ(x.actions[0].revision, 2u);
    x.provision("c");
    EXPECT_EQ(x.phase("c"), Phase::provisioned);
    EXPECT_EQ(x.r->status("c")->provisioned_revision, 2u);
    EXPECT_EQ(x.phase("a"), Phase::rebooting) << "inventory order among the waiting";
    x.provision("a");
    x.provision("b");
    EXPECT_EQ(x.started(), (std::vector<std::string>{"c", "a", "b"}));
}

TEST(Rollout, MaxConcurrentAsAPercentRoundsDown) {
    WorkflowRules w = rules("w");
    w.max_concurrent = {50, true};
    Harness x({w},
              {host("a", "w"), host("b", "w"), host("c", "w"), host("d", "w"), host("e", "w")});
    for (auto h : {"a", "b", "c", "d", "e"})
        x.stale(h);
    EXPECT_EQ(x.r->inFlight("w"), 2u) << "50 % of 5 hosts, rounded down";
    EXPECT_EQ((model::CountOrPercent{10, true}.of(5)), 1) << "at least one when not 0";
    EXPECT_EQ((model::CountOrPercent{0, true}.of(5)), 0);
    EXPECT_EQ((model::CountOrPercent{3, false}.of(5)), 3);
}

TEST(Rollout, BlockDepsWaitForMinStanding) {
    WorkflowRules masters = rules("masters", 1);
    masters.min_standing = 1;
    WorkflowRules workers = rules("workers");
    workers.block_deps = {"masters"};
    Harness x({masters, workers},
              {host("m1", "masters"), host("w1", "workers"), host("w2", "workers")});
    x.stale("m1");
    x.stale("w1");
    x.stale("w2");
    EXPECT_EQ(x.phase("m1"), Phase::rebooting);
    EXPECT_EQ(x.phase("w1"), Phase::pending);
    EXPECT_NE(x.r->blockedBy("workers").find("waiting for workflow masters"), std::string::npos);
    x.provision("m1");
    EXPECT_EQ(x.r->blockedBy("workers"), "");
    EXPECT_EQ(x.phase("w1"), Phase::rebooting);
    EXPECT_EQ(x.phase("w2"), Phase::rebooting) << "workers has no max_concurrent";
    EXPECT_EQ(x.started(), (std::vector<std::string>{"m1", "w1", "w2"}));
}

// One revision marks hosts in whatever order it finds them: workers listed before their
// masters still wait, because every host is marked before any is started.
TEST(Rollout, ABatchIsMarkedBeforeAnyHostStarts) {
    WorkflowRules masters = rules("masters", 1);
    masters.min_standing = 1;
    WorkflowRules workers = rules("workers");
    workers.block_deps = {"masters"};
    Harness x({workers, masters},
              {host("w1", "workers"), host("m1", "masters"), host("w2", "workers")});
    x.keep(x.r->outOfDate({{"w1", "kernel changed"}, {"m1", "kernel changed"}}, 2, x.now));
    EXPECT_EQ(x.phase("m1"), Phase::rebooting);
    EXPECT_EQ(x.phase("w1"), Phase::pending);
    EXPECT_EQ(x.phase("w2"), Phase::provisioned) << "not in the batch";
    ASSERT_EQ(x.log.size(), 3u);
    EXPECT_EQ(x.log[0].reason, "kernel changed");
}

TEST(Rollout, AHostAddedLaterJoinsItsWorkflowLast) {
    Harness x({rules("w", 1)}, {host("a", "w")});
    EXPECT_TRUE(x.r->addHost(host("b", "w"), 2, x.now));
    EXPECT_FALSE(x.r->addHost(host("a", "w"), 2, x.now)) << "a known key is left as it is";
    EXPECT_EQ(x.phase("b"), Phase::provisioned);
    EXPECT_EQ(x.r->status("b")->provisioned_revision, 2u);
    EXPECT_EQ(x.r->hostsOf("w"), (std::vector<std::string>{"a", "b"}));
    x.stale("b", 3);
    EXPECT_EQ(x.phase("b"), Phase::rebooting);
    EXPECT_TRUE(x.r->addHost(host("c", "new"), 3, x.now));
    EXPECT_EQ(x.r->workflows(), (std::vector<std::string>{"w", "new"}));
}

TEST(Rollout, UpdatedRulesAndHostsApplyFromTheNextDecision) {
    Harness x({rules("w", 1)}, {host("a", "w"), host("b", "w"), host("c", "v")});
    x.stale("a");
    x.stale("b");
    EXPECT_EQ(x.phase("b"), Phase::pending);
    x.r->halt("w", "operator");
    x.r->updateRules({rules("w", 2), rules("new", 0)});
    EXPECT_TRUE(x.r->halted("w")) << "a halt survives new rules";
    x.keep(x.r->resume("w", x.now));
    EXPECT_EQ(x.phase("b"), Phase::rebooting) << "max_concurrent is 2 now";

    // a is in flight with one stage; its workflow now has two: this provisioning ends after
    // one checkpoint, the next one needs two.
    EXPECT_TRUE(x.r->updateHost(host("a", "w", true, 2)));
    x.provision("a");
    EXPECT_EQ(x.phase("a"), Phase::provisioned);
    x.stale("a", 3);
    x.provision("a");
    EXPECT_EQ(x.phase("a"), Phase::booting) << "stage 2 of 2 now";
    x.cp("a", 1);
    EXPECT_EQ(x.phase("a"), Phase::provisioned);

    EXPECT_TRUE(x.r->updateHost(host("c", "w")));
    EXPECT_EQ(x.r->hostsOf("w"), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(x.r->hostsOf("v").empty());
    EXPECT_FALSE(x.r->updateHost(host("nobody", "w")));
}

TEST(Rollout, MultiStageWorkflowMovesOnEachCheckpointAndIgnoresStaleOnes) {
    Harness x({rules("w")}, {host("a", "w", true, 3)});
    x.stale("a");
    x.rebooted("a");
    EXPECT_EQ(x.phase("a"), Phase::booting);
    x.cp("a", 0);
    EXPECT_EQ(x.r->status("a")->stage, 1u);
    EXPECT_TRUE(x.cp("a", 0).transitions.empty()) << "a stale checkpoint moves nothing";
    x.cp("a", 1);
    x.cp("a", 2);
    EXPECT_EQ(x.phase("a"), Phase::provisioned);
}

TEST(Rollout, TimeoutRetriesThenFailsAndHalts) {
    WorkflowRules w = rules("w", 1);
    w.policy.stage_timeout = 60s;
    w.policy.retry = 1;
    w.policy.then = OnFailure::halt;
    Harness x({w}, {host("a", "w"), host("b", "w")});
    x.stale("a");
    x.stale("b");
    x.rebooted("a");
    x.after(59s);
    EXPECT_EQ(x.phase("a"), Phase::booting);
    x.after(1s);
    EXPECT_EQ(x.phase("a"), Phase::rebooting) << "retry 1 of 1: rebooted again";
    EXPECT_EQ(x.actions.size(), 2u);
    x.rebooted("a");
    x.after(60s);
    EXPECT_EQ(x.phase("a"), Phase::failed);
    EXPECT_NE(x.log.back().reason.find("no checkpoint for stage 1 within 60 s"), std::string::npos);
    EXPECT_TRUE(x.r->halted("w"));
    EXPECT_EQ(x.phase("b"), Phase::pending) << "a halted workflow starts nobody";
    x.after(3600s);
    EXPECT_EQ(x.phase("b"), Phase::pending);
    x.keep(x.r->resume("w", x.now));
    EXPECT_EQ(x.phase("b"), Phase::rebooting);
}

TEST(Rollout, RollbackReprovisionsFromThePreviousRevisionOnce) {
    WorkflowRules w = rules("w");
    w.policy.then = OnFailure::rollback;
    Harness x({w}, {host("a", "w")});
    x.stale("a", 2);
    x.keep(x.r->actionDone("a", ActionKind::reboot, false, "BMC unreachable", x.now));
    EXPECT_EQ(x.phase("a"), Phase::rebooting) << "rolled back, pending, started again";
    EXPECT_EQ(x.r->status("a")->revision, 1u);
    x.keep(x.r->actionDone("a", ActionKind::reboot, false, "BMC unreachable", x.now));
    EXPECT_EQ(x.phase("a"), Phase::failed) << "a failed rollback does not roll back again";
    EXPECT_FALSE(x.r->halted("w"));
}

TEST(Rollout, ContinueLeavesTheHostFailedAndGoesOnUntilMaxFail) {
    WorkflowRules w = rules("w", 1);
    w.policy.then = OnFailure::proceed;
    w.max_fail = {1, false};
    Harness x({w}, {host("a", "w"), host("b", "w"), host("c", "w")});
    for (auto h : {"a", "b", "c"})
        x.stale(h);
    x.keep(x.r->actionDone("a", ActionKind::reboot, false, "x", x.now));
    EXPECT_EQ(x.phase("a"), Phase::failed);
    EXPECT_FALSE(x.r->halted("w"));
    EXPECT_EQ(x.phase("b"), Phase::rebooting);
    x.keep(x.r->actionDone("b", ActionKind::reboot, false, "x", x.now));
    EXPECT_TRUE(x.r->halted("w")) << "2 failed > max_fail 1";
    EXPECT_EQ(x.phase("c"), Phase::pending);
}

TEST(Rollout, ContainersRunBeforeShutdownAndAfterTheLastStage) {
    RolloutHost a = host("a", "w");
    a.has_before_shutdown = true;
    a.has_validate = true;
    Harness x({rules("w")}, {a});
    x.stale("a");
    EXPECT_EQ(x.phase("a"), Phase::shutting_down);
    ASSERT_EQ(x.actions.size(), 1u);
    EXPECT_EQ(x.actions[0].kind, ActionKind::before_shutdown);
    x.keep(x.r->actionDone("a", ActionKind::before_shutdown, true, "", x.now));
    EXPECT_EQ(x.phase("a"), Phase::rebooting);
    x.provision("a");
    EXPECT_EQ(x.phase("a"), Phase::validating);
    EXPECT_EQ(x.actions.back().kind, ActionKind::validate);
    x.keep(x.r->actionDone("a", ActionKind::validate, false, "exit code 1", x.now));
    EXPECT_EQ(x.phase("a"), Phase::failed);
    EXPECT_EQ(x.log.back().reason, "validate failed: exit code 1");
}

TEST(Rollout, WithoutABmcTheHostWaitsForItsOwnNetbootWithoutTimeout) {
    WorkflowRules w = rules("w");
    w.policy.stage_timeout = 10s;
    Harness x({w}, {host("a", "w", false)});
    x.stale("a");
    EXPECT_EQ(x.phase("a"), Phase::awaiting_reboot);
    EXPECT_TRUE(x.actions.empty()) << "no power action without a BMC";
    x.after(3600s);
    EXPECT_EQ(x.phase("a"), Phase::awaiting_reboot);
    x.cp("a", 0);
    EXPECT_EQ(x.phase("a"), Phase::provisioned);
}

TEST(Rollout, ValidateOnReRunsValidationOnceTheNamedRolloutEnds) {
    WorkflowRules masters = rules("masters");
    WorkflowRules checks = rules("checks", 1);
    checks.validate_on = {"masters"};
    RolloutHost c1 = host("c1", "checks"), c2 = host("c2", "checks"), c3 = host("c3", "checks");
    c1.has_validate = c2.has_validate = true;  // c3 has nothing to validate
    Harness x({masters, checks}, {host("m1", "masters"), host("m2", "masters"), c1, c2, c3});
    x.stale("m1");
    x.stale("m2");
    x.provision("m1");
    EXPECT_EQ(x.phase("c1"), Phase::provisioned) << "m2 still provisioning: not yet";
    x.provision("m2");
    EXPECT_EQ(x.phase("c1"), Phase::validating) << "the masters' rollout ended";
    EXPECT_EQ(x.phase("c2"), Phase::provisioned) << "max_concurrent 1 holds";
    EXPECT_EQ(x.phase("c3"), Phase::provisioned);
    ASSERT_EQ(x.actions.back().kind, ActionKind::validate);
    EXPECT_EQ(x.actions.back().host, "c1");
    EXPECT_EQ(x.log.back().reason, "validate_on: a workflow it validates on changed");
    x.keep(x.r->actionDone("c1", ActionKind::validate, true, "", x.now));
    EXPECT_EQ(x.phase("c1"), Phase::provisioned);
    EXPECT_EQ(x.r->status("c1")->provisioned_revision, 1u) << "validated, not reprovisioned";
    EXPECT_EQ(x.phase("c2"), Phase::validating);
    x.keep(x.r->actionDone("c2", ActionKind::validate, true, "", x.now));
    const size_t actions = x.actions.size();
    x.after(1s);
    EXPECT_EQ(x.actions.size(), actions) << "once per rollout";
    // A change to the validating workflow itself does not trigger it.
    x.stale("c3");
    x.provision("c3");
    EXPECT_EQ(x.phase("c1"), Phase::provisioned);
    EXPECT_EQ(x.actions.size(), actions + 1) << "only c3's reboot";
}

TEST(Rollout, NeverProvisionIsNeverRebooted) {
    RolloutHost a = host("a", "w");
    a.never_provision = true;
    Harness x({rules("w")}, {a});
    EXPECT_TRUE(x.stale("a").transitions.empty());
    EXPECT_EQ(x.phase("a"), Phase::provisioned);
    EXPECT_TRUE(x.actions.empty());
}

TEST(Rollout, AChangeDuringAProvisioningWaitsForThePinnedRevision) {
    Harness x({rules("w")}, {host("a", "w")});
    x.stale("a", 2);
    x.rebooted("a");
    x.stale("a", 3);
    EXPECT_EQ(x.r->status("a")->revision, 2u) << "pinned while in flight";
    x.cp("a");
    EXPECT_EQ(x.r->status("a")->provisioned_revision, 2u);
    EXPECT_EQ(x.phase("a"), Phase::rebooting) << "then re-planned for revision 3";
    EXPECT_EQ(x.r->status("a")->revision, 3u);
}

TEST(Rollout, LateAnswersAreIgnored) {
    WorkflowRules w = rules("w");
    w.policy.stage_timeout = 5s;
    w.policy.then = OnFailure::proceed;
    Harness x({w}, {host("a", "w")});
    x.stale("a");
    x.after(5s);
    EXPECT_EQ(x.phase("a"), Phase::failed);
    EXPECT_TRUE(x.rebooted("a").transitions.empty());
    EXPECT_EQ(x.phase("a"), Phase::failed);
}

// Random sequences of SoT changes, checkpoints, action results and time never exceed
// max_concurrent, never start a blocked workflow, and every transition starts where the
// previous one of that host ended (none lost, none repeated).
TEST(RolloutProperty, RandomHistoriesKeepTheRules) {
    std::mt19937 rng(20261203);
    for (int run = 0; run < 200; ++run) {
        WorkflowRules a = rules("a", 1 + static_cast<int>(rng() % 3));
        a.min_standing = static_cast<int>(rng() % 3);
        a.policy.stage_timeout = 100s;
        a.policy.retry = static_cast<int>(rng() % 2);
        a.policy.then = static_cast<OnFailure>(rng() % 3);
        WorkflowRules b = rules("b", static_cast<int>(rng() % 3));
        b.block_deps = {"a"};
        b.policy = a.policy;
        b.max_fail = {static_cast<int>(rng() % 3), false};
        std::vector<RolloutHost> hosts;
        for (int i = 0; i < 8; ++i) {
            RolloutHost h = host("h" + std::to_string(i), i < 3 ? "a" : "b", rng() % 4 != 0,
                                 1 + static_cast<uint32_t>(rng() % 2));
            h.has_validate = rng() % 3 == 0;
            h.has_before_shutdown = rng() % 3 == 0;
            hosts.push_back(h);
        }
        Harness x({a, b}, hosts);
        std::map<std::string, Phase> last;
        for (const auto& h : hosts)
            last[h.key] = Phase::provisioned;
        uint64_t revision = 1;
        for (int op = 0; op < 300; ++op) {
            const std::string h = "h" + std::to_string(rng() % 8);
            Step s;
            switch (rng() % 6) {
                case 0:
                    s = x.stale(h, ++revision);
                    break;
                case 1:
                    s = x.cp(h, static_cast<uint32_t>(rng() % 2));
                    break;
                case 2:
                case 3:
                    s = x.keep(x.r->actionDone(h, static_cast<ActionKind>(rng() % 3),
                                               rng() % 4 != 0, "random", x.now));
                    break;
                case 4:
                    s = x.after(std::chrono::seconds(rng() % 120));
                    break;
                default:
                    s = x.keep(x.r->resume(rng() % 2 ? "a" : "b", x.now));
                    break;
            }
            for (const auto& t : s.transitions) {
                ASSERT_EQ(t.from, last[t.host])
                    << "run " << run << " op " << op << " " << t.host << ": " << t.reason;
                last[t.host] = t.to;
                if (t.from == Phase::pending && t.host >= "h3") {
                    // Counted here, not asked of the rollout: b starts only with enough of
                    // a's hosts provisioned.
                    int standing = 0;
                    for (int i = 0; i < 3; ++i) {
                        if (x.phase("h" + std::to_string(i)) == Phase::provisioned)
                            ++standing;
                    }
                    EXPECT_GE(standing, a.min_standing)
                        << "run " << run << " op " << op << ": started " << t.host
                        << " while blocked";
                }
            }
            const int limit_a = a.max_concurrent.of(3);
            const int limit_b = b.max_concurrent.of(5);
            ASSERT_LE(x.r->inFlight("a"), static_cast<size_t>(limit_a)) << "run " << run;
            if (limit_b > 0) {
                ASSERT_LE(x.r->inFlight("b"), static_cast<size_t>(limit_b)) << "run " << run;
            }
        }
    }
}

}  // namespace
}  // namespace vq::workflow

namespace vq::workflow {
namespace {

TEST(Rollout, PhaseCountsFollowEveryWorkflow) {
    Harness x({rules("w", 1), rules("v")}, {host("a", "w"), host("b", "w"), host("c", "v")});
    x.stale("a");
    x.stale("b");
    auto counts = x.r->phaseCounts();
    ASSERT_EQ(counts.size(), 2u);
    EXPECT_EQ(counts[0].first, "w");
    EXPECT_EQ(counts[0].second[static_cast<size_t>(Phase::rebooting)], 1u);
    EXPECT_EQ(counts[0].second[static_cast<size_t>(Phase::pending)], 1u);
    EXPECT_EQ(counts[0].second[static_cast<size_t>(Phase::provisioned)], 0u);
    EXPECT_EQ(counts[1].first, "v");
    EXPECT_EQ(counts[1].second[static_cast<size_t>(Phase::provisioned)], 1u);
    size_t total = 0;
    for (const auto& [flow, phases] : counts)
        for (size_t n : phases)
            total += n;
    EXPECT_EQ(total, 3u);
}

}  // namespace
}  // namespace vq::workflow
