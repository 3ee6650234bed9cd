#pragma once
// What the state engine asks of durable storage: the rollout's records, each host's recent
// transitions, and the accepted model revisions (with the SoT's files, so a host pinned to
// an old revision is served it after a restart). Defined here, by its consumer; the
// composition roots pick an implementation (store::SqliteRolloutStore; etcd later; the
// in-memory one below for tests).
//
// Writes are queued and committed in the order they were queued; a write is durable once
// wait() on its ticket answered ok. Queuing is cheap, so a caller queues under its own lock
// (the order of the store is the order of its memory) and waits outside it, and writes that
// wait together may share one commit.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "workflow/host_progress.h"
#include "workflow/rollout_record.h"

namespace vq::workflow {

struct StoredTransition {
    WallTime time{};
    PhaseTransition transition;
};

struct StoredRevision {
    uint64_t number = 0;
    std::string source_id;
    std::string commit;  // empty for a local directory
    WallTime loaded{};
    std::string bundle;  // the SoT's files (model::packSot)
};

struct RolloutState {
    // The revision the rollout planned last: what hosts that follow() are provisioned from.
    // 0 when none was stored (then no record follows).
    uint64_t follow = 0;
    std::vector<HostRecord> hosts;
    std::vector<FlowRecord> flows;
    // Per host key, oldest first, at most the `history` asked for.
    std::map<std::string, std::vector<StoredTransition>, std::less<>> history;
};

class RolloutStore {
public:
    using Ticket = uint64_t;
    virtual ~RolloutStore() = default;

    // Everything stored, each host's history cut to its newest `history` transitions.
    virtual Result<RolloutState> loadRollout(size_t history) = 0;
    // Queues the records and transitions of one step (one transaction); per host only the
    // newest `history` transitions are kept.
    virtual Ticket saveRollout(RolloutChanges changes,
                               std::vector<StoredTransition> transitions,
                               size_t history) = 0;
    // Blocks until the write of `ticket` (and every write queued before it) is durable.
    virtual Status wait(Ticket ticket) = 0;

    // Hands out a revision number never handed out before, also across restarts and when
    // the revision's own write fails later: the next number is durable before this answers.
    // At least `at_least` (the caller's own count). An error (e.g. a full disk) hands out
    // nothing.
    virtual Result<uint64_t> allocateRevisionNumber(uint64_t at_least) = 0;
    // Revisions are written through (they are rare and large).
    virtual Status saveRevision(const StoredRevision& revision) = 0;
    // The newest stored revision, bundle included; nullopt when none.
    virtual Result<std::optional<StoredRevision>> latestRevision() = 0;
    virtual Result<std::optional<StoredRevision>> revision(uint64_t number) = 0;
    // Drops every revision but the newest `keep` and those in `pinned`.
    virtual Status pruneRevisions(size_t keep, const std::set<uint64_t>& pinned) = 0;
    // Numbers of the stored revisions, oldest first.
    virtual Result<std::vector<uint64_t>> revisionNumbers() = 0;
};

// Keeps everything in memory; thread-safe; every write is durable at once. `failWrites`
// makes writes fail (tests).
class MemoryRolloutStore : public RolloutStore {
public:
    Result<RolloutState> loadRollout(size_t history) override;
    Ticket saveRollout(RolloutChanges changes,
                       std::vector<StoredTransition> transitions,
                       size_t history) override;
    Status wait(Ticket ticket) override;
    Result<uint64_t> allocateRevisionNumber(uint64_t at_least) override;
    Status saveRevision(const StoredRevision& revision) override;
    Result<std::optional<StoredRevision>> latestRevision() override;
    Result<std::optional<StoredRevision>> revision(uint64_t number) override;
    Status pruneRevisions(size_t keep, const std::set<uint64_t>& pinned) override;
    Result<std::vector<uint64_t>> revisionNumbers() override;

    void failWrites(bool fail);
    size_t writes() const;

private:
    mutable std::mutex mu_;
    std::map<std::string, HostRecord, std::less<>> hosts_;
    std::map<std::string, FlowRecord, std::less<>> flows_;
    uint64_t follow_ = 0;
    std::map<std::string, std::deque<StoredTransition>, std::less<>> history_;
    std::map<uint64_t, StoredRevision> revisions_;
    std::map<Ticket, Status> results_;
    Ticket next_ticket_ = 1;
    uint64_t next_revision_ = 1;
    bool fail_writes_ = false;
    size_t writes_ = 0;
};

}  // namespace vq::workflow
