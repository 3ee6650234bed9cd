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

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "etcd/client.h"

#include "base/result.h"
#include "store/etcd_keyspace.h"

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
    ~EtcdWriter();
    EtcdWriter(const EtcdWriter&) = delete;
    EtcdWriter& operator=(const EtcdWriter&) = delete;

    // Queues the operations; they are applied in order, after every write queued before.
    Ticket submit(std::vector<etcd::Op> ops);
    // Blocks until the write of `ticket` is applied (or failed); its Status.
    Status wait(Ticket ticket);
    Status write(std::vector<etcd::Op> ops) { return wait(submit(std::move(ops))); }
    etcd::Client& client() { return *client_; }
    // Transactions sent so far (each may carry several writes).
    uint64_t transactions() const;

private:
    struct Queued {
        Ticket ticket;
        std::vector<etcd::Op> ops;
    };
    void writerLoop();
    // Commits a round of queued writes; one Status per write.
    std::vector<Status> commitRound(std::vector<Queued>& round);
    Status commit(const std::vector<etcd::Op>& ops);

    std::shared_ptr<etcd::Client> client_;
    EtcdWriterOptions options_;

    mutable std::mutex mu_;
    std::condition_variable work_cv_;  // work for the writer
    std::condition_variable done_cv_;  // a round finished
    std::deque<Queued> queue_;
    Ticket next_ticket_ = 1;
    Ticket done_ = 0;                  // every ticket up to this one is finished
    std::map<Ticket, Status> failed_;  // finished tickets that failed, until waited for
    uint64_t transactions_ = 0;
    bool stopping_ = false;
    std::thread writer_;
};

// Every site record of the SoT (hosts, flows, history, progress), without the revisions'
// chunks nor the tasks: the ranges around <Root>/<sot>/_revisions/ and _tasks/.
Result<std::vector<etcd::KeyValue>> readSiteRecords(etcd::Client& client, const EtcdKeyspace& keys);

}  // namespace vq::store
