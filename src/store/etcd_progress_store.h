#pragma once
// Host stage progress (workflow::ProgressStore) in etcd, one value per host under
// <Root>/<sot>/<site>/progress/<host>; every save a fenced write (etcd_writer.h), applied
// when save returns; queueSave shares a transaction with the other writes queued meanwhile.

#include <memory>

#include "base/result.h"
#include "store/etcd_keyspace.h"
#include "store/etcd_writer.h"
#include "workflow/progress_store.h"

namespace vq::store {

class EtcdProgressStore : public workflow::ProgressStore {
public:
    EtcdProgressStore(std::shared_ptr<EtcdWriter> writer, EtcdKeyspace keys)
        : writer_(std::move(writer)), keys_(std::move(keys)) {}

    Result<std::optional<workflow::HostProgress>> load(const std::string& site,
                                                       const std::string& host) override;
    Status save(const workflow::HostProgress& p) override;
    Result<Ticket> queueSave(const workflow::HostProgress& p) override;
    Status wait(Ticket ticket) override { return writer_->wait(ticket); }
    Result<std::vector<workflow::HostProgress>> all() override;

private:
    std::shared_ptr<EtcdWriter> writer_;
    EtcdKeyspace keys_;
};

}  // namespace vq::store
