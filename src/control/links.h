#pragma once
// Where the server and its agents meet. The agent asks its server for exactly four things,
// each a small interface defined here, below both: the model revision to serve, the state
// manifest (which boot each host is served now), somewhere to report what hosts did
// (events, checkpoints), and the tasks to run on its site. `standalone` implements them
// in-process (the server object itself); `server` and `agent` will implement them over
// HTTPS. server/ and agent/ never include each other.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "control/revision.h"

#include "base/event.h"
#include "base/result.h"
#include "model/model.h"

namespace vq::control {

// Model revisions, pushed. The agent subscribes once; `onRevision` is called with the
// newest revision at once (when there is one) and then with every revision accepted after
// it, in order, from the publisher's thread: it must be quick and must not call back.
class RevisionFeed {
public:
    using OnRevision = std::function<void(const RevisionPtr&)>;
    virtual ~RevisionFeed() = default;
    virtual RevisionPtr latest() const = 0;  // null before the first accepted load
    // A revision by number, for hosts pinned to one older than the latest; null when it is
    // unknown (the caller serves the latest). Implementations that keep only the latest may
    // leave this as it is.
    virtual RevisionPtr revision(uint64_t number) const {
        RevisionPtr r = latest();
        return r && r->number == number ? r : nullptr;
    }
    // Returns a subscription id for unsubscribe().
    virtual uint64_t subscribe(OnRevision on_revision) = 0;
    virtual void unsubscribe(uint64_t id) = 0;
};

// Which boot of its workflow a host is served now, and from which revision: a host is
// pinned to the revision it is being provisioned (or was provisioned) from, so a host in
// the middle of an install never gets a half-new config.
struct ServedBoot {
    std::string boot;  // empty: the host has no workflow stage and no group boot
    uint32_t stage = 0;
    uint64_t revision = 0;  // 0: the latest (in a manifest: Manifest::follow)
};

// The state manifest: the server's view of every host's current boot.
class StateManifest {
public:
    virtual ~StateManifest() = default;
    // `model` is the snapshot the agent renders from (the host and site belong to it).
    virtual ServedBoot served(const model::Site& site,
                              const model::Host& host,
                              const model::Model& model) = 0;
};

// What the agent's services saw, reported up.
class EventReport {
public:
    virtual ~EventReport() = default;
    // Every boot event of the site (DHCP, TFTP, HTTP); must be cheap and thread-safe: it runs
    // on every request, so it takes the event by reference and copies only what it keeps.
    virtual void report(std::string_view site, const HostEvent& event) = 0;
    // A host's checkpoint for `boot`: the server moves its workflow on and answers one line
    // for the host ("stage done: install -> disk (stage 2/2)"). Errors carry their kind:
    // not_found for an unknown host or boot, unavailable when the server cannot store it.
    virtual Result<std::string> checkpoint(std::string_view site,
                                           std::string_view host,
                                           std::string_view boot) = 0;
};

// Work the server hands to a site's agents: power actions and containers run where the
// BMCs and the container engine are, on the site. The server decides and renders each task
// whole (args carry what it needs, BMC credentials included: they travel only inside the
// TLS channel and are never logged); the agent runs it and reports back. `id` is the
// task's idempotency key: one per state transition, so a task is run at most once however
// often it is offered, retried or re-issued.
struct Task {
    std::string id;
    std::string site;
    std::string host;
    std::string kind;        // "power" (args: a BMC target) | "containers" (args: a pipeline)
    std::string args;        // JSON
    uint32_t timeout_s = 0;  // to run and report once leased; past it the server fails it
};

struct TaskResult {
    std::string id;
    bool ok = false;
    std::string detail;  // why not; never holds a secret
};

// Task kinds. power: args are the host's BMC target (power/target_json.h): a one-time PXE
// boot, then a power cycle or a graceful restart. containers: args are {"step": validate |
// before_shutdown | reboot, "containers": [spec...]} (container/spec_json.h), a pipeline
// that stops at its first failure.
inline constexpr std::string_view kPowerTask = "power";
inline constexpr std::string_view kContainersTask = "containers";

class TaskSource {
public:
    virtual ~TaskSource() = default;
    // Tasks of `site` (in-process only: "" is every site) leased to `agent`, at most `max`;
    // waits up to `wait` when none is ready. A leased task is offered to no one else.
    // unavailable when the server cannot be reached (the agent tries again later).
    virtual Result<std::vector<Task>> lease(std::string_view site,
                                            std::string_view agent,
                                            size_t max,
                                            std::chrono::milliseconds wait) = 0;
    // The results of leased tasks. A result for a task unknown, of another site, of another
    // agent or already reported is ignored (a retried report is harmless). unavailable: not
    // delivered, send them again.
    virtual Status complete(std::string_view site,
                            std::string_view agent,
                            const std::vector<TaskResult>& results) = 0;
};

// The four together, as an agent is given them. Every pointer must outlive the agent.
struct Links {
    RevisionFeed* revisions = nullptr;
    StateManifest* manifest = nullptr;
    EventReport* report = nullptr;
    TaskSource* tasks = nullptr;
};

}  // namespace vq::control
