#pragma once
// The workflow engine's first slice: stage progression. A host boots the stage it is in;
// its checkpoint for that stage's boot moves it to the next stage, and after the last one
// it is provisioned (and keeps being served that last boot). Operators move a host to any
// boot of its workflow with an override. Progress is kept in memory for the boot path
// (readers take a shared lock, no allocation on a hit) and written through to a
// ProgressStore before it becomes visible, so a restart resumes where hosts were.
//
// Pure: no I/O of its own besides the store, no clock (callers pass the time in). Every
// transition is also a HostEvent for the host's timeline (source "workflow"):
// HOST_STAGE_DONE, HOST_PROVISIONED, HOST_CHECKPOINT_STALE, HOST_OVERRIDE, HOST_STAGE_RESET.

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/event.h"
#include "base/result.h"
#include "model/model.h"
#include "workflow/host_progress.h"
#include "workflow/progress_store.h"

namespace vq::workflow {

// Which boot a host is served now.
struct CurrentBoot {
    std::string boot;  // empty when the host has neither a workflow stage nor a group boot
    uint32_t stage = 0;
    HostState state = HostState::booting;
    // Stored progress no longer matched the host's workflow (workflow changed, or its boot
    // left the workflow): the host went back to stage 0.
    bool reset = false;
};

enum class TransitionKind {
    stage_done,    // checkpoint for the current stage: now booting the next one
    provisioned,   // checkpoint for the last stage
    repeated,      // checkpoint for the last stage of a host already provisioned
    stale,         // checkpoint for another boot of the workflow: recorded, host not moved
    override_set,  // an operator set the current boot
};

std::string_view toString(TransitionKind kind);

struct Transition {
    TransitionKind kind = TransitionKind::stage_done;
    std::string from_boot;  // the current boot before the transition
    HostProgress progress;  // after it
    // One line for the HTTP answer, e.g. "stage done: install -> configure (stage 2/2)".
    std::string summary() const;
    // The store's ticket of the write (checkpointQueued), 0 when already durable.
    uint64_t write = 0;
    // The record it replaced (none for a host's first), put back if the write fails.
    std::optional<HostProgress> replaced;
};

class WorkflowEngine {
public:
    // `events` may be null; it must outlive the engine.
    explicit WorkflowEngine(ProgressStore& store, EventSink* events = nullptr);

    // Reads every stored record into memory (once, at start).
    Status loadAll();

    // The boot `host` of site `site_id` is in. Only when a stored record stopped matching the
    // workflow does this write (the reset, once); otherwise it only reads.
    CurrentBoot currentBoot(std::string_view site_id,
                            const model::Host& host,
                            const model::Model& model,
                            WallTime now);

    // `site`: env id or directory; `host`: host name or the MAC of one of its interfaces.
    // Errors: not_found (unknown site, host, or a boot outside the host's workflow),
    // failed_precondition (a host without stages), and the store's own code when it refuses
    // the write (unavailable when retrying may help).
    Result<Transition> checkpoint(std::string_view site,
                                  std::string_view host,
                                  std::string_view boot,
                                  const model::Model& model,
                                  WallTime now);
    // The same, answered once the new record is queued for the store and visible in memory:
    // the caller may queue writes of its own and wait for all of them together (they share
    // a commit), then must call waitStored before it tells anyone the checkpoint is taken.
    // A failed write leaves memory ahead of the store until the host's next write, which
    // replaces the whole record.
    Result<Transition> checkpointQueued(std::string_view site,
                                        std::string_view host,
                                        std::string_view boot,
                                        const model::Model& model,
                                        WallTime now);
    Status waitStored(const Transition& t);

    Result<Transition> override(std::string_view site,
                                std::string_view host,
                                std::string_view boot,
                                const model::Model& model,
                                WallTime now);

    // Every host with stored progress, sorted by site and host.
    std::vector<HostProgress> all() const;
    std::optional<HostProgress> progress(std::string_view site, std::string_view host) const;

private:
    struct Resolved {
        const model::Site* site = nullptr;
        const model::Host* host = nullptr;
        std::vector<std::string_view> stages;  // boot ids, in order
    };
    // Hosts of one site by name; string_view lookups allocate nothing.
    using HostMap = model::StringMap<HostProgress>;

    Result<Resolved> resolve(std::string_view site,
                             std::string_view host,
                             const model::Model& model) const;
    // The stored record of a host; callers hold mu_ (shared) while they read it.
    const HostProgress* findLocked(std::string_view site, std::string_view host) const;
    // The writer lock of a host: one writer per host at a time (its store order is its
    // memory order), different hosts in parallel (their writes share the store's commits).
    std::mutex& writeMutex(std::string_view site, std::string_view host);
    // Writes through, then publishes. Callers hold the host's writeMutex.
    Status commit(const HostProgress& p);
    // Queues the write, then publishes; the ticket to wait for. Callers hold writeMutex.
    Result<uint64_t> commitQueued(const HostProgress& p);
    void emit(const model::Host* host,
              const HostProgress& p,
              const char* kind,
              const std::string& detail) const;

    ProgressStore& store_;
    EventSink* events_;
    std::array<std::mutex, 64> write_mu_;  // striped by host
    mutable std::shared_mutex mu_;         // guards hosts_
    model::StringMap<HostMap> hosts_;      // site id -> host name -> progress
};

}  // namespace vq::workflow
