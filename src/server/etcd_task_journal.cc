#include "server/etcd_task_journal.h"

#include <algorithm>

namespace vq::server {

Result<std::unique_ptr<EtcdTaskJournal>> EtcdTaskJournal::open(
    std::shared_ptr<store::EtcdWriter> writer, store::EtcdKeyspace keys, size_t keep) {
    std::unique_ptr<EtcdTaskJournal> j(
        new EtcdTaskJournal(std::move(writer), std::move(keys), keep));
    auto stored = j->writer_->client().getPrefix(j->keys_.tasksPrefix());
    if (!stored)
        return stored.status().prefixed("cannot read the task journal from etcd");
    std::sort(stored->kvs.begin(), stored->kvs.end(),
              [](const etcd::KeyValue& a, const etcd::KeyValue& b) {
                  return a.create_revision < b.create_revision;
              });
    std::vector<etcd::Op> drop;
    for (const auto& kv : stored->kvs) {
        auto entry = decode(kv.value);
        if (!entry || j->key(entry->first) != kv.key) {
            drop.push_back(etcd::Op::del(kv.key));  // not an entry: nothing to remember
            continue;
        }
        for (const auto& id : j->remember(entry->first, std::move(entry->second)))
            drop.push_back(etcd::Op::del(j->key(id)));
    }
    if (!drop.empty()) {
        if (Status st = j->writer_->write(std::move(drop)); !st)
            return st.prefixed("cannot trim the task journal in etcd");
    }
    return j;
}

Status EtcdTaskJournal::persist(const std::string& id,
                                const Entry& e,
                                const std::vector<std::string>& forgotten) {
    std::vector<etcd::Op> ops{etcd::Op::put(key(id), encode(id, e))};
    for (const auto& f : forgotten)
        ops.push_back(etcd::Op::del(key(f)));
    return writer_->write(std::move(ops));
}

}  // namespace vq::server
