#include "store/etcd_writer.h"

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace vq::store {
namespace {

size_t opBytes(const etcd::Op& op) {
    return op.key.size() + op.value.size() + op.range_end.size() + 16;
}

// Transactions under construction: puts of one key merge (the newest value wins), a key
// is never both put and deleted in one (etcd refuses it), a range delete travels alone, and
// a write that fits the limits stays within one transaction.
class TxnPacker {
public:
    TxnPacker(size_t max_ops, size_t max_bytes) : max_ops_(max_ops), max_bytes_(max_bytes) {}

    // Moves one write's operations in; returns the index of the last transaction holding
    // one of them (what must be applied for the write to stand).
    size_t add(std::vector<etcd::Op>& ops) {
        size_t bytes = 0;
        for (const auto& op : ops)
            bytes += opBytes(op);
        if (ops.size() + current().size() > max_ops_ || bytes + bytes_ > max_bytes_)
            close();
        size_t last = txns_.size() - 1;
        for (auto& op : ops) {
            if (op.kind == etcd::Op::Kind::put) {
                if (deleted_.contains(op.key))
                    close();
                if (auto it = put_at_.find(op.key); it != put_at_.end()) {
                    bytes_ += op.value.size();
                    current()[it->second].value = std::move(op.value);
                    last = txns_.size() - 1;
                    continue;
                }
                room(op);
                put_at_[op.key] = current().size();
            } else if (op.range_end.empty()) {
                if (put_at_.contains(op.key) || deleted_.contains(op.key))
                    close();
                room(op);
                deleted_.insert(op.key);
            } else {
                close();
                current().push_back(std::move(op));
                last = txns_.size() - 1;
                close();
                continue;
            }
            bytes_ += opBytes(op);
            current().push_back(std::move(op));
            last = txns_.size() - 1;
        }
        return last;
    }
    std::vector<std::vector<etcd::Op>>& txns() { return txns_; }

private:
    std::vector<etcd::Op>& current() {
        if (txns_.empty())
            txns_.emplace_back();
        return txns_.back();
    }
    void close() {
        if (!current().empty())
            txns_.emplace_back();
        put_at_.clear();
        deleted_.clear();
        bytes_ = 0;
    }
    // Closes the current transaction when `op` would take it past the limits.
    void room(const etcd::Op& op) {
        if (!current().empty() &&
            (current().size() >= max_ops_ || bytes_ + opBytes(op) > max_bytes_))
            close();
    }

    size_t max_ops_;
    size_t max_bytes_;
    std::vector<std::vector<etcd::Op>> txns_;
    std::unordered_map<std::string, size_t> put_at_;  // key → index in the current txn
    std::unordered_set<std::string> deleted_;         // keys deleted in the current txn
    size_t bytes_ = 0;
};

constexpr size_t kMaxRound = 4096;  // writes taken in one round

}  // namespace

EtcdWriter::EtcdWriter(std::shared_ptr<etcd::Client> client, EtcdWriterOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      queue_([this](std::vector<std::vector<etcd::Op>>& round) { return commitRound(round); },
             kMaxRound) {}

std::vector<Status> EtcdWriter::commitRound(std::vector<std::vector<etcd::Op>>& round) {
    TxnPacker packer(options_.max_ops, options_.max_bytes);
    std::vector<size_t> last_txn;  // per write: the last transaction holding its operations
    last_txn.reserve(round.size());
    std::vector<bool> empty;  // writes without operations stand whatever happens
    for (auto& ops : round) {
        empty.push_back(ops.empty());
        last_txn.push_back(packer.add(ops));
    }
    auto& txns = packer.txns();
    std::vector<Status> results(round.size(), Status::ok());
    size_t applied = 0;  // transactions committed
    Status failure = Status::ok();
    for (; applied < txns.size(); ++applied) {
        if (txns[applied].empty())
            continue;
        Status st = commit(std::move(txns[applied]));
        ++transactions_;
        if (!st) {
            failure = st;
            break;
        }
    }
    if (failure.isOk())
        return results;
    // A write whose every transaction was applied stands; the others fail.
    for (size_t i = 0; i < round.size(); ++i) {
        if (last_txn[i] >= applied && !empty[i])
            results[i] = failure;
    }
    return results;
}

Status EtcdWriter::commit(std::vector<etcd::Op> ops) {
    ops.insert(ops.end(), options_.mark.begin(), options_.mark.end());
    auto t = client_->txn(options_.fence, ops);
    Status st = Status::ok();
    if (!t)
        st = Status::withCode(t.code(), "etcd store: " + t.message());
    else if (!t->succeeded)
        st = Status::failedPrecondition("etcd store: leadership lost; the write was refused");
    if (!st && options_.on_failure)
        options_.on_failure(st);
    return st;
}

Result<std::vector<etcd::KeyValue>> readSiteRecords(etcd::Client& client,
                                                    const EtcdKeyspace& keys) {
    // Everything under the SoT's prefix but the two folders that are not site records
    // (_revisions/ sorts before _tasks/).
    const std::string prefix = keys.sotPrefix();
    const std::string revisions = keys.revisionsPrefix();
    const std::string tasks = keys.tasksPrefix();
    const std::pair<std::string, std::string> ranges[] = {
        {prefix, revisions},
        {etcd::prefixEnd(revisions), tasks},
        {etcd::prefixEnd(tasks), etcd::prefixEnd(prefix)},
    };
    std::vector<etcd::KeyValue> out;
    for (const auto& [from, to] : ranges) {
        auto got = client.getRange(from, to);
        if (!got)
            return got.status();
        for (auto& kv : got->kvs)
            out.push_back(std::move(kv));
    }
    return out;
}

}  // namespace vq::store
