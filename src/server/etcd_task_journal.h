#pragma once
// The task journal (task_journal.h) in etcd, for servers whose state is there: one key per
// task under <Root>/<sot>/_tasks/<task id>, every change a fenced write (store/etcd_writer.h),
// so a new HA leader finds what the old one handed out and answers or waits for it rather
// than running it again, and a deposed leader records nothing. Entries dropped to keep only
// the newest are deleted in the same transaction as the change that dropped them.

#include <memory>

#include "base/result.h"
#include "server/task_journal.h"
#include "store/etcd_keyspace.h"
#include "store/etcd_writer.h"

namespace vq::server {

class EtcdTaskJournal : public TaskJournal {
public:
    // Reads what is stored (oldest first, by etcd's create revision); beyond `keep`, the
    // oldest are deleted at once.
    static Result<std::unique_ptr<EtcdTaskJournal>> open(std::shared_ptr<store::EtcdWriter> writer,
                                                         store::EtcdKeyspace keys,
                                                         size_t keep);

protected:
    Status persist(const std::string& id,
                   const Entry& e,
                   const std::vector<std::string>& forgotten) override;

private:
    EtcdTaskJournal(std::shared_ptr<store::EtcdWriter> writer,
                    store::EtcdKeyspace keys,
                    size_t keep)
        : TaskJournal(keep), writer_(std::move(writer)), keys_(std::move(keys)) {}
    std::string key(const std::string& id) const { return keys_.tasksPrefix() + id; }

    std::shared_ptr<store::EtcdWriter> writer_;
    store::EtcdKeyspace keys_;
};

}  // namespace vq::server
