#pragma once
// How the etcd stores write: every write is a transaction conditioned on the fence (the
// leader's key still at the revision it was won at; no fence outside HA), split so that no
// transaction exceeds etcd's limits (128 operations, 1.5 MiB per request by default). A
// fence that no longer holds is `failed_precondition` ("leadership lost"), and every
// failure is reported to `on_failure` as well, so that the server stops acting at once.
// Under HA every transaction also puts the mark (<Root>/writer: the leader's id and the
// revision it won at): etcd's history then names the leader behind every revision, which
// is how an operator (or a test) sees that a deposed leader wrote nothing.

#include <functional>
#include <memory>
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
    EtcdWriter(std::shared_ptr<etcd::Client> client, EtcdWriterOptions options)
        : client_(std::move(client)), options_(std::move(options)) {}

    // Applies the operations in order, in as few fenced transactions as the limits allow.
    Status write(const std::vector<etcd::Op>& ops);
    etcd::Client& client() { return *client_; }

private:
    Status commit(const std::vector<etcd::Op>& ops);
    std::shared_ptr<etcd::Client> client_;
    EtcdWriterOptions options_;
};

// Every site record of the SoT (hosts, flows, history, progress), without the revisions'
// chunks: the two ranges around <Root>/<sot>/_revisions/.
Result<std::vector<etcd::KeyValue>> readSiteRecords(etcd::Client& client, const EtcdKeyspace& keys);

}  // namespace vq::store
