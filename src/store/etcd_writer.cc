#include "store/etcd_writer.h"

namespace vq::store {

Status EtcdWriter::commit(const std::vector<etcd::Op>& ops) {
    if (ops.empty())
        return Status::ok();
    std::vector<etcd::Op> marked = ops;
    marked.insert(marked.end(), options_.mark.begin(), options_.mark.end());
    auto t = client_->txn(options_.fence, marked);
    Status st = Status::ok();
    if (!t)
        st = Status::withCode(t.code(), "etcd store: " + t.message());
    else if (!t->succeeded)
        st = Status::failedPrecondition("etcd store: leadership lost; the write was refused");
    if (!st && options_.on_failure)
        options_.on_failure(st);
    return st;
}

Status EtcdWriter::write(const std::vector<etcd::Op>& ops) {
    std::vector<etcd::Op> batch;
    size_t bytes = 0;
    for (const auto& op : ops) {
        const size_t size = op.key.size() + op.value.size() + op.range_end.size() + 16;
        if (!batch.empty() &&
            (batch.size() >= options_.max_ops || bytes + size > options_.max_bytes)) {
            VQ_TRY(commit(batch));
            batch.clear();
            bytes = 0;
        }
        batch.push_back(op);
        bytes += size;
    }
    return commit(batch);
}

Result<std::vector<etcd::KeyValue>> readSiteRecords(etcd::Client& client,
                                                    const EtcdKeyspace& keys) {
    const std::string prefix = keys.sotPrefix();
    const std::string revisions = keys.revisionsPrefix();
    auto before = client.getRange(prefix, revisions);
    if (!before)
        return before.status();
    auto after = client.getRange(etcd::prefixEnd(revisions), etcd::prefixEnd(prefix));
    if (!after)
        return after.status();
    std::vector<etcd::KeyValue> out = std::move(before->kvs);
    for (auto& kv : after->kvs)
        out.push_back(std::move(kv));
    return out;
}

}  // namespace vq::store
