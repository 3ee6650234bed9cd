#pragma once
// The rollout: which out-of-date hosts are reprovisioned, when, and what happens when one
// fails. Pure: it is told what happened (a host is out of date, a checkpoint, a task's
// result, the time) and answers with the transitions to persist and the actions to take,
// in that order: the caller writes every transition before it acts (DESIGN.md "state
// engine"). Time is the caller's monotonic clock, so a wall-clock jump changes nothing.
//
// A host moves
//   provisioned → pending (out of date, waiting for its turn)
//     → shutting_down (its boot's before_shutdown containers)
//     → rebooting (a power action) | awaiting_reboot (no usable BMC: it netboots by itself)
//     → booting stage i … (each checkpoint moves it on) → validating (validate containers)
//     → provisioned
// and on a failure (no checkpoint within the stage timeout, a failed container or power
// action) retries from the reboot, then fails and the policy decides: rollback (reprovision
// from the previous revision), halt (its workflow starts no more hosts until resumed) or
// continue. A workflow also halts when more than `max_fail` of its hosts failed.
//
// Who starts: inside a workflow, in inventory order, at most `max_concurrent` hosts
// between pending and provisioned; a workflow with `block_deps` starts none while a workflow
// it names has fewer than that workflow's `min_standing` hosts provisioned on their target.
// When the rollout of a workflow named in another's `validate_on` ends (no host of it left
// pending or in flight), that other workflow's provisioned hosts with validate containers
// run them again (provisioned → validating → provisioned, under the same limits; a failure
// is a failure like any other: retry reprovisions).
//
// A host a revision no longer has leaves the rollout (→ removed): it no longer counts
// against its workflow's limits, is never acted on again (whatever it was doing; a late
// action result or checkpoint is ignored) and pins no revision. Added back later, it starts
// as a new host.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "model/types.h"

namespace vq::workflow {

enum class Phase {
    provisioned,
    pending,
    shutting_down,
    rebooting,
    awaiting_reboot,
    booting,
    validating,
    failed,
    removed,  // gone from the SoT: out of the rollout, its history kept
};
std::string_view toString(Phase phase);
inline constexpr size_t kPhaseCount = static_cast<size_t>(Phase::removed) + 1;

using OnFailure = model::FailureAction;
std::string_view toString(OnFailure then);

struct FailurePolicy {
    std::chrono::seconds stage_timeout{1800};
    int retry = 0;
    OnFailure then = OnFailure::halt;
};

struct WorkflowRules {
    std::string id;
    model::CountOrPercent max_concurrent;  // 0 = no limit
    int min_standing = 0;
    std::vector<std::string> block_deps;
    model::CountOrPercent max_fail;  // halted when more than this many hosts failed; 0 = not set
    // Workflows whose change re-runs this workflow's validate containers on its provisioned
    // hosts: once a rollout of one of them has no host left pending or in flight.
    std::vector<std::string> validate_on;
    FailurePolicy policy;
};

struct RolloutHost {
    std::string key;       // "site/host": unique
    std::string workflow;  // a WorkflowRules id
    uint32_t stages = 1;
    bool has_bmc = false;
    bool never_provision = false;
    bool has_before_shutdown = false;
    bool has_validate = false;
};

enum class ActionKind { before_shutdown, reboot, validate };
std::string_view toString(ActionKind kind);

struct Action {
    std::string host;
    ActionKind kind = ActionKind::reboot;
    uint64_t revision = 0;  // the revision the host is being provisioned from
};

struct PhaseTransition {
    std::string host;
    Phase from = Phase::provisioned;
    Phase to = Phase::provisioned;
    uint32_t stage = 0;
    uint64_t revision = 0;
    std::string reason;
};

struct Step {
    std::vector<PhaseTransition> transitions;  // persist these first
    std::vector<Action> actions;               // then carry these out
    void append(Step other);
};

struct HostStatus {
    Phase phase = Phase::provisioned;
    uint32_t stage = 0;
    uint64_t revision = 0;              // pinned: what it is being provisioned from
    uint64_t provisioned_revision = 0;  // what it was last provisioned from (0: never)
    uint32_t attempts = 0;              // failures in the current provisioning
    TimePoint since{};
};

struct HostRecord;
struct FlowRecord;
struct RolloutChanges;

class Rollout {
public:
    // Hosts in inventory order; every host starts provisioned on `revision`.
    Rollout(std::vector<WorkflowRules> workflows,
            std::vector<RolloutHost> hosts,
            uint64_t revision,
            TimePoint now);

    // The host must be reprovisioned from `revision` (its served bytes changed). A host in
    // the middle of a provisioning finishes its pinned revision first, then goes again.
    Step outOfDate(std::string_view host, uint64_t revision, std::string reason, TimePoint now);
    // Several hosts out of date from one revision, all marked before any is started, so the
    // order they are given in does not decide who goes first (inventory order and block_deps
    // do). Each entry is a host key and its reason.
    Step outOfDate(const std::vector<std::pair<std::string, std::string>>& hosts,
                   uint64_t revision,
                   TimePoint now);
    // A host that appeared in a later revision: provisioned on `revision`, last of its
    // workflow's inventory order. A known key is left as it is (returns false).
    bool addHost(RolloutHost host, uint64_t revision, TimePoint now);
    // The host is gone from revision `revision`: it leaves the rollout (→ removed). Unknown
    // keys change nothing.
    Step removeHost(std::string_view host, uint64_t revision, TimePoint now);
    // Keys of the hosts in the rollout (removed ones are not), in no particular order.
    std::vector<std::string> hostKeys() const;
    // How many there are.
    size_t hostCount() const { return index_.size(); }
    // Revision `revision` is accepted and leaves the hosts not in `changed` (all of whose
    // served bytes it changed) as they are: those provisioned or pending move onto it
    // (their bytes are the same on it), so older revisions are not pinned by hosts they no
    // longer differ for. A host rolled back stays where it went. Call before outOfDate.
    void advanceUnchanged(uint64_t revision, const std::set<std::string, std::less<>>& changed);
    // A later revision's settings for a known host (false for an unknown key). A host that
    // changed workflow moves to the end of its new workflow's order; a host in flight keeps
    // its current stage count until it is provisioned or fails, then takes the new one.
    bool updateHost(RolloutHost host);
    // A later revision's rules: known workflows take them (a halt stays), new ones are added.
    void updateRules(std::vector<WorkflowRules> workflows);
    // The host checkpointed stage `stage` (0-based) of its workflow.
    Step checkpoint(std::string_view host, uint32_t stage, TimePoint now);
    // The result of an action handed out earlier; `error` says why it failed.
    Step actionDone(
        std::string_view host, ActionKind kind, bool ok, const std::string& error, TimePoint now);
    // Timeouts, and hosts whose turn has come.
    Step tick(TimePoint now);

    Step halt(std::string_view workflow, std::string reason);
    Step resume(std::string_view workflow, TimePoint now);

    // nullopt for a host the rollout does not hold (unknown or removed).
    std::optional<HostStatus> status(std::string_view host) const;
    bool halted(std::string_view workflow) const;
    // Hosts between pending (excluded) and provisioned in the workflow.
    size_t inFlight(std::string_view workflow) const;
    // Why a workflow starts no host now ("" when it may): halted, or blocked by a dependency.
    std::string blockedBy(std::string_view workflow) const;
    // Workflow ids, and a workflow's host keys in inventory order (for plans and the API).
    std::vector<std::string> workflows() const;
    std::vector<std::string> hostsOf(std::string_view workflow) const;
    // Each workflow's hosts per phase (index: Phase), counted without a lookup per host:
    // what metrics scrape, cheap on a 100,000-host model.
    std::vector<std::pair<std::string, std::array<size_t, kPhaseCount>>> phaseCounts() const;

    // Persistence (rollout_record.h). The records of the hosts and workflows changed since
    // the last call, and the planned revision when it moved: what the caller writes, with
    // the step's transitions, before it acts. A host provisioned from the planned revision,
    // with nothing to roll back to, is written as following it (HostRecord::follows), and
    // is not written again when only the planned revision moves.
    RolloutChanges takeChanges();
    // Everything counts as changed (the next takeChanges writes it all): after a write the
    // store refused, so nothing stays behind.
    void markAllChanged();
    // Every host's record, revisions named (none written as following).
    std::vector<HostRecord> records() const;
    // Puts stored records back on the hosts and workflows this rollout knows (others are
    // gone from the model and ignored); their time in the phase counts from `now`. A host
    // found rebooting is not power-cycled again: it waits for its checkpoint or its timeout.
    // Records that follow are provisioned from `follow` (the stored planned revision; 0:
    // this rollout's). The answer holds the container runs whose results a restart lost
    // (before_shutdown, validate): they run again. Nothing restored counts as a change,
    // but for following records when `follow` is not this rollout's revision.
    Step restore(const std::vector<HostRecord>& hosts,
                 const std::vector<FlowRecord>& flows,
                 TimePoint now,
                 uint64_t follow = 0);
    // Every revision a host needs served or may go back to: what each host is provisioned
    // from, was provisioned from, would roll back to, or has queued. Counted as hosts change,
    // so asking is cheap on a large model.
    std::set<uint64_t> pinnedRevisions() const;
    // Revisions whose last pin went since the last call (and not pinned again): a host moved
    // off it (provisioned from a newer one, rolled forward, removed).
    std::set<uint64_t> takeReleased();

private:
    struct Host {
        RolloutHost spec;
        HostStatus st;
        uint64_t previous_revision = 0;  // for rollback
        uint64_t queued_revision = 0;    // out of date again while in flight
        bool rolled_back = false;
        uint32_t next_stages = 0;  // a stage count that waits for the provisioning to end
        bool revalidate = false;   // provisioned, its validate containers to run again
        bool removed = false;      // gone from the SoT: kept only for its record
        mutable std::array<uint64_t, 4> pins{};  // the revisions counted in pins_ for it
    };
    struct Flow {
        WorkflowRules rules;
        std::vector<size_t> hosts;  // indices, inventory order
        bool halted = false;
        std::string halt_reason;
        bool changing = false;  // hosts went out of date; validate_on dependants wait for the end
    };

    Host* find(std::string_view key);
    const Host* find(std::string_view key) const;
    Flow* flow(const std::string& id);
    const Flow* flow(const std::string& id) const;
    void markOutOfDate(Host& h, uint64_t revision, std::string reason, TimePoint now, Step& out);
    void move(Host& h, Phase to, std::string reason, TimePoint now, Step& out);
    void startReboot(Host& h, TimePoint now, Step& out);
    void fail(Host& h, const std::string& why, TimePoint now, Step& out);
    void finish(Host& h, TimePoint now, Step& out);
    void schedule(TimePoint now, Step& out);
    // Workflows whose rollout ended mark the hosts of the workflows that validate on them.
    void markRevalidations();
    size_t failedCount(const Flow& f) const;
    size_t standing(const Flow& f) const;

    // Provisioned from `planned` with nothing pending, queued or to roll back to: its record
    // can follow the planned revision instead of naming it.
    bool follows(const Host& h, uint64_t planned) const;
    HostRecord recordOf(const Host& h, bool stored) const;

    void touch(const Host& h);
    // Brings pins_ up to date with the hosts touched since (mutable: a cache of the hosts).
    void syncPins() const;
    void repin(const Host& h) const;
    size_t insertHost(Host h);

    std::vector<Host> hosts_;
    std::map<std::string, size_t, std::less<>> index_;  // hosts in the rollout
    std::map<std::string, size_t, std::less<>> gone_;   // removed hosts' slots, reused on return
    std::vector<Flow> flows_;
    std::set<size_t> changed_hosts_;  // indices into hosts_ since takeChanges
    bool flows_changed_ = false;
    uint64_t latest_ = 0;                // the newest revision: where an unchanged host ends up
    uint64_t stored_follow_ = 0;         // latest_ as takeChanges last handed it out
    mutable std::set<size_t> unpinned_;  // hosts touched since syncPins
    mutable std::map<uint64_t, size_t> pins_;  // revision → hosts pinning it
    mutable std::set<uint64_t> released_;      // since takeReleased
};

}  // namespace vq::workflow
