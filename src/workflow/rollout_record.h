#pragma once
// What a restart needs to resume a rollout: per host its phase and revisions, per workflow
// whether it is halted. The rest of the rollout (rules, stage counts, BMCs, inventory order)
// comes from the model, so it is not stored.

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
    bool empty() const { return hosts.empty() && flows.empty(); }
};

std::optional<Phase> parsePhase(std::string_view text);

}  // namespace vq::workflow
