#pragma once
// What the rollout tests share: hosts and rules in a line, and a harness that drives a
// rollout with a clock of its own and keeps every transition and action.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "workflow/rollout.h"

namespace vq::workflow::testing {

inline RolloutHost host(std::string key, std::string wf, bool bmc = true, uint32_t stages = 1) {
    RolloutHost h;
    h.key = std::move(key);
    h.workflow = std::move(wf);
    h.has_bmc = bmc;
    h.stages = stages;
    return h;
}

inline WorkflowRules rules(std::string id, int max_concurrent = 0) {
    WorkflowRules w;
    w.id = std::move(id);
    w.max_concurrent = {max_concurrent, false};
    return w;
}

// Drives a rollout with a clock of its own and keeps every transition, so each test reads as
// the story of a rollout.
struct Harness {
    TimePoint now{};
    std::unique_ptr<Rollout> r;
    std::vector<PhaseTransition> log;
    std::vector<Action> actions;

    Harness(std::vector<WorkflowRules> w, std::vector<RolloutHost> h) {
        r = std::make_unique<Rollout>(std::move(w), std::move(h), 1, now);
    }
    Step keep(Step s) {
        for (const auto& t : s.transitions)
            log.push_back(t);
        for (const auto& a : s.actions)
            actions.push_back(a);
        return s;
    }
    Step stale(const std::string& h, uint64_t rev = 2) {
        return keep(r->outOfDate(h, rev, "ipxe script changed", now));
    }
    Step rebooted(const std::string& h) {
        return keep(r->actionDone(h, ActionKind::reboot, true, "", now));
    }
    Step cp(const std::string& h, uint32_t stage = 0) { return keep(r->checkpoint(h, stage, now)); }
    Step remove(const std::string& h, uint64_t rev) { return keep(r->removeHost(h, rev, now)); }
    Step after(std::chrono::seconds d) {
        now += d;
        return keep(r->tick(now));
    }
    Phase phase(const std::string& h) const { return r->status(h)->phase; }
    // Provisions a host that was just rebooted through its single stage.
    void provision(const std::string& h) {
        rebooted(h);
        cp(h);
    }
    std::vector<std::string> started() const {
        std::vector<std::string> out;
        for (const auto& t : log) {
            if (t.from == Phase::pending)
                out.push_back(t.host);
        }
        return out;
    }
};

}  // namespace vq::workflow::testing
