#pragma once
// The state engine: brings machines to match the SoT. It keeps a workflow::Rollout (the pure
// decision part) of every host of the served sites and feeds it what happens:
//   - every accepted revision: hosts whose served bytes (iPXE script, config, per stage) or
//     list of boots changed are out of date; new hosts only with policy.force_provision and
//     a BMC;
//   - checkpoints (from Server::checkpoint), action results (from Effects), the time (a tick
//     thread, every second, steady clock), operator requests (reprovision, halt, resume).
// Each answer (a workflow::Step) is carried out in order: its transitions are logged
// (HOST_STATE), sent to the event sink (the host's timeline) and kept for the API; a host
// starting its reboot is put back on its workflow's first stage; then its actions go to the
// Effects, outside the engine's lock.
//
// Per site: a workflow's rollout is "site/workflow", with the site's policy; block_deps name
// workflows of the same site.
//
// Durable: every step (the records of the hosts and workflows it changed, its transitions)
// is queued for the store under the engine's lock, so the store's order is the rollout's,
// and acted on only once it is written (outside the lock, so concurrent checkpoints share
// one commit). restore() puts a stored rollout back at start; a host found rebooting is not
// power-cycled again. Each host is served from the revision it is pinned to
// (servedRevision).
//
// A host a revision no longer has leaves the rollout (removed): it is never acted on again
// and no longer counts against its workflow's limits; its transitions stay readable
// (history, removedHosts). Hosts a revision leaves unchanged move onto it, so an older
// revision is pinned only by hosts that still differ on it; when a step releases the last
// pin of one, `on_released` is called once the step is stored (the server drops it then).
//
// Not yet: each revision's rules and host settings (workflow, stages, BMC, containers)
// replace the previous ones, also for a host still provisioning from an older revision.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "control/revision.h"
#include "metrics/registry.h"

#include "base/clock.h"
#include "base/event.h"
#include "base/result.h"
#include "server/effects.h"
#include "server/rollout_of_model.h"
#include "workflow/engine.h"
#include "workflow/rollout.h"
#include "workflow/rollout_store.h"

namespace vq::server {

struct StateEngineOptions {
    EventSink* events = nullptr;                 // HOST_STATE events; may be null
    workflow::WorkflowEngine* stages = nullptr;  // reset to stage 1 when a reboot starts
    std::chrono::milliseconds tick_interval{1000};
    size_t history = 50;  // transitions kept per host for the API (and in the store)
    // Where every step is written before it is acted on; null: memory only.
    workflow::RolloutStore* store = nullptr;
    // Transitions, power actions and container runs are counted here; may be null.
    metrics::Registry* metrics = nullptr;
    // Called, outside the engine's lock, once a stored step released the last pin of some
    // revisions (pinnedRevisions() no longer has them); may be empty.
    std::function<void(const std::set<uint64_t>& released)> on_released;
};

// One transition as the API shows it.
struct HostTransition {
    workflow::WallTime time{};
    workflow::PhaseTransition transition;
};

struct HostRolloutView {
    std::string site, host, workflow;
    workflow::HostStatus status;
    workflow::WallTime since{};
};

// What the API tells of a host's past: its transitions, and whether it left the SoT.
struct HostHistory {
    std::vector<HostTransition> transitions;
    bool removed = false;
    uint64_t removed_in = 0;  // the revision that removed it; 0 when not known (a restart)
};

struct RemovedHostView {
    std::string site, host;
    uint64_t removed_in = 0;
    workflow::WallTime since{};
};

class StateEngine {
public:
    // `first` is the revision every host starts provisioned on. `effects` may be null (no
    // action is carried out: each fails at once) and can be replaced with setEffects.
    StateEngine(control::RevisionPtr first,
                Effects* effects,
                StateEngineOptions options,
                const Clock& clock = SteadyClock::instance());
    ~StateEngine();
    StateEngine(const StateEngine&) = delete;
    StateEngine& operator=(const StateEngine&) = delete;

    // Puts a stored rollout back (before start): hosts and workflows the current model still
    // has take their stored records, the rest start provisioned on `first`. Container runs
    // a restart interrupted run again; a host found rebooting waits for its checkpoint.
    void restore(const workflow::RolloutState& state);

    void start();  // the tick thread
    void stop();
    void setEffects(Effects* effects);

    // A newly accepted revision (older or repeated numbers are ignored).
    void onRevision(const control::RevisionPtr& revision);
    // The host checkpointed `boot` (site: env id or directory; host: its name). Answers once
    // what it changed is stored; an error when the store refused it.
    Status checkpoint(std::string_view site, std::string_view host, std::string_view boot);
    void tick();

    // Operator requests. not_found names what is unknown.
    Status reprovision(std::string_view site, std::string_view host);
    Status halt(std::string_view site, std::string_view workflow);
    Status resume(std::string_view site, std::string_view workflow);

    std::optional<HostRolloutView> host(std::string_view site, std::string_view host) const;
    std::vector<HostRolloutView> hosts() const;
    // not_found for an unknown host. A host removed from the SoT still answers (removed).
    Result<std::vector<HostTransition>> transitions(std::string_view site,
                                                    std::string_view host) const;
    Result<HostHistory> history(std::string_view site, std::string_view host) const;
    // Hosts that left the SoT (their history is kept), by key.
    std::vector<RemovedHostView> removedHosts() const;
    // Per workflow: halted / blocked reason, counts per phase, pending hosts in order (JSON).
    std::string planJson() const;
    uint64_t revision() const;
    // The revision a host is served from: its target while in flight (or failed), the one
    // it was provisioned from otherwise; 0 for a host the rollout does not know.
    uint64_t servedRevision(std::string_view site, std::string_view host) const;
    // Every revision some host is served from or may go back to.
    std::set<uint64_t> pinnedRevisions() const;
    // Hosts per site, workflow and phase, for /metrics.
    void collect(metrics::Exposition& out) const;

private:
    struct Where {
        const model::Site* site = nullptr;
        const model::Host* host = nullptr;
    };
    // Resolves a site (id or directory) and host name in the current model; mu_ held.
    Result<Where> resolveLocked(std::string_view site, std::string_view host) const;
    Result<std::string> flowIdLocked(std::string_view site, std::string_view workflow) const;
    // What a step left to do once mu_ is released: wait for its write, then act.
    struct Pending {
        std::optional<workflow::RolloutStore::Ticket> ticket;
        std::vector<workflow::Action> actions;
        std::set<uint64_t> released;  // revisions no host pins any more
    };
    // Records the step's transitions, queues them and the rollout's changed records for the
    // store, resets rebooting hosts' stages; mu_ held.
    Pending applyLocked(const workflow::Step& step);
    // Waits for the step's write; only a stored step is acted on (a refused one is logged,
    // and the host's timeout takes over).
    Status settle(Pending pending);
    void carryOut(const std::vector<workflow::Action>& actions);
    // The action's idempotency key (ActionRef::id); mu_ held.
    std::string actionIdLocked(const workflow::Action& a) const;
    void actionDone(const std::string& key, workflow::ActionKind kind, bool ok, std::string error);
    // Counts a finished action (driver: ipmi|ssh|custom for a reboot, "container" otherwise).
    void countAction(workflow::ActionKind kind, const std::string& driver, bool ok, double seconds);
    void run();

    StateEngineOptions options_;
    const Clock& clock_;

    mutable std::mutex mu_;
    Effects* effects_ = nullptr;
    control::RevisionPtr current_;
    std::unique_ptr<workflow::Rollout> rollout_;
    std::map<std::string, std::deque<HostTransition>, std::less<>> history_;
    std::map<std::string, workflow::WallTime, std::less<>> since_;
    // Hosts removed from the SoT → the revision that removed them (0: found at a restart).
    std::map<std::string, uint64_t, std::less<>> removed_;
    std::array<metrics::Counter*, workflow::kPhaseCount> transitions_{};  // by target phase
    metrics::Counter* records_written_ = nullptr;
    workflow::WallTime started_{};

    std::mutex tick_mu_;
    std::condition_variable tick_cv_;
    bool stopping_ = false;
    std::thread ticker_;
};

}  // namespace vq::server
