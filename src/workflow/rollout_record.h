#pragma once
// What a restart needs to resume a rollout: per host its phase and revisions, per workflow
// whether it is halted. The rest of the rollout (rules, stage counts, BMCs, inventory order)
// comes from the model, so it is not stored.
//
// Most hosts, most of the time, are provisioned from the newest revision the rollout planned
// and have nothing to roll back to. Their records say so rather than name that revision
// (revision and provisioned_revision 0, see follows()), and the planned revision is stored
// once beside them (RolloutChanges::follow): a SoT change that leaves 100,000 hosts as they
// are writes one number, not 100,000 records.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/rollout.h"

namespace vq::workflow {

struct HostRecord {
    std::string key;
    Phase phase = Phase::provisioned;
    uint32_t stage = 0;
    uint64_t revision = 0;              // pinned: what it is being provisioned from
    uint64_t provisioned_revision = 0;  // what it was last provisioned from
    uint32_t attempts = 0;
    uint64_t previous_revision = 0;  // where a rollback goes
    uint64_t queued_revision = 0;    // out of date again while in flight
    bool rolled_back = false;
    bool revalidate = false;  // its validate containers wait to run again (validate_on)
    bool operator==(const HostRecord&) const = default;
    // Provisioned from the rollout's planned revision, whichever that is now.
    bool follows() const {
        return phase == Phase::provisioned && revision == 0 && provisioned_revision == 0;
    }
};

struct FlowRecord {
    std::string id;
    bool halted = false;
    std::string reason;
    bool changing = false;  // a rollout is under way (validate_on dependants wait for its end)
    bool operator==(const FlowRecord&) const = default;
};

// The records a rollout changed since it was last asked (Rollout::takeChanges).
struct RolloutChanges {
    std::vector<HostRecord> hosts;
    std::vector<FlowRecord> flows;
    // The revision the rollout has planned, when it moved (0: it did not). Written after the
    // records (last in their transaction, or in the last of several): a host the new
    // revision changes is never stored as following it before its own record says so.
    uint64_t follow = 0;
    bool empty() const { return hosts.empty() && flows.empty() && follow == 0; }
};

std::optional<Phase> parsePhase(std::string_view text);

}  // namespace vq::workflow
