#pragma once
// How the etcd stores write: every write is a transaction conditioned on the fence (the
// leader's key still at the revision it was won at; no fence outside HA), split so that no
// transaction exceeds etcd's limits (128 operations, 1.5 MiB per request by default). A
// fence that no longer holds is `failed_precondition` ("leadership lost"), and every
// failure is reported to `on_failure` as well, so that the server stops acting at once.
// Under HA every transaction also puts the mark (<Root>/writer: the leader's id and the
// revision it won at): etcd's history then names the leader behind every revision, which
// is how an operator (or a test) sees that a deposed leader wrote nothing.
//
// Group commit, as the embedded store does it: writes are queued and a writer thread puts
// every write queued while the previous transaction was in flight into the next one, so
// concurrent checkpoints share one round trip and one etcd commit (its fsync) instead of
// each paying for its own. Writes apply in the order they were queued; one that fits in a
// transaction is never split across two; a key put by several queued writes is put once,
// with the newest value; a key is never put and deleted in one transaction (etcd refuses
// it) and a range delete travels alone. A write is durable when wait() answers ok. After a failure,
// the writes already taken for that round fail with it: nothing queued behind a lost write is
// applied ahead of it.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "etcd/client.h"

#include "base/result.h"
#include "store/etcd_keyspace.h"
#include "store/group_commit.h"

namespace vq::store {

struct EtcdWriterOptions {
    std::vector<etcd::Compare> fence{};
    std::vector<etcd::Op> mark{};
    std::function<void(const Status&)> on_failure{};
    size_t max_ops = 100;  // etcd allows 128 per transaction, the mark included
    size_t max_bytes = 1024 * 1024;
};

class EtcdWriter {
public:
    using Ticket = uint64_t;

    EtcdWriter(std::shared_ptr<etcd::Client> client, EtcdWriterOptions options);
    // Every queued write is committed (or failed) before it returns.
    ~EtcdWriter() = default;
    EtcdWriter(const EtcdWriter&) = delete;
    EtcdWriter& operator=(const EtcdWriter&) = delete;

    // Queues the operations; they are applied in order, after every write queued before.
    Ticket submit(std::vector<etcd::Op> ops) { return queue_.submit(std::move(ops)); }
    // Blocks until the write of `ticket` is applied (or failed); its Status.
    Status wait(Ticket ticket) { return queue_.wait(ticket); }
    Status write(std::vector<etcd::Op> ops) { return wait(submit(std::move(ops))); }
    etcd::Client& client() { return *client_; }
    // Transactions sent so far (each may carry several writes).
    uint64_t transactions() const { return transactions_.load(); }

private:
    // Commits a round of queued writes; one Status per write.
    std::vector<Status> commitRound(std::vector<std::vector<etcd::Op>>& round);
    Status commit(std::vector<etcd::Op> ops);  // one transaction, non-empty, marked

    std::shared_ptr<etcd::Client> client_;
    EtcdWriterOptions options_;
    std::atomic<uint64_t> transactions_{0};
    GroupCommit<std::vector<etcd::Op>> queue_;  // last: its writer uses the members above
};

// Every site record of the SoT (hosts, flows, history, progress), without the revisions'
// chunks nor the tasks: the ranges around <Root>/<sot>/_revisions/ and _tasks/.
Result<std::vector<etcd::KeyValue>> readSiteRecords(etcd::Client& client, const EtcdKeyspace& keys);

}  // namespace vq::store
