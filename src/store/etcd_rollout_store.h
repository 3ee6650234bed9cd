#pragma once
// The state engine's rollout and the model revisions (workflow::RolloutStore) in etcd
// (etcd_keyspace.h): one value per host record, workflow record and host history, so a
// step writes only what it changed; every write fenced (etcd_writer.h).
//
// saveRollout queues its write on the writer (group commit, etcd_writer.h) and the ticket
// is waited for: writes apply in the order they were queued, so the state engine's order is
// etcd's order. Each host's history is kept in memory as well
// (read once by loadRollout), so that appending a transition is one put, not a read.
//
// Revisions are larger than etcd's request limit (1.5 MiB; a 100,000-host SoT is more):
// a revision's bundle is cut into chunks of 512 KiB, each its own key, written first;
// its metadata (number, source, commit, size, chunk count, SHA-256 of the bundle) is
// written last, so a revision without metadata is not one, and a bundle read back is
// checked against its size and hash.

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "base/result.h"
#include "store/etcd_keyspace.h"
#include "store/etcd_writer.h"
#include "workflow/rollout_store.h"

namespace vq::store {

class EtcdRolloutStore : public workflow::RolloutStore {
public:
    static constexpr size_t kChunkBytes = 512 * 1024;

    EtcdRolloutStore(std::shared_ptr<EtcdWriter> writer, EtcdKeyspace keys)
        : writer_(std::move(writer)), keys_(std::move(keys)) {}

    Result<workflow::RolloutState> loadRollout(size_t history) override;
    Ticket saveRollout(workflow::RolloutChanges changes,
                       std::vector<workflow::StoredTransition> transitions,
                       size_t history) override;
    Status wait(Ticket ticket) override;
    Status saveRevision(const workflow::StoredRevision& revision) override;
    Result<uint64_t> allocateRevisionNumber(uint64_t at_least) override;
    Result<std::optional<workflow::StoredRevision>> latestRevision() override;
    Result<std::optional<workflow::StoredRevision>> revision(uint64_t number) override;
    Status pruneRevisions(size_t keep, const std::set<uint64_t>& pinned) override;
    Result<std::vector<uint64_t>> revisionNumbers() override;

private:
    std::shared_ptr<EtcdWriter> writer_;
    EtcdKeyspace keys_;
    std::mutex mu_;
    std::map<std::string, std::deque<workflow::StoredTransition>, std::less<>> history_;
};

}  // namespace vq::store
