#include "store/etcd_progress_store.h"

#include "store/state_json.h"

namespace vq::store {

Result<std::optional<workflow::HostProgress>> EtcdProgressStore::load(const std::string& site,
                                                                      const std::string& host) {
    auto kv = writer_->client().get(keys_.record("progress", site, host));
    if (!kv)
        return kv.status();
    if (!*kv)
        return std::optional<workflow::HostProgress>();
    auto p = json::progress((*kv)->value);
    if (!p)
        return p.status();
    return std::optional<workflow::HostProgress>(std::move(*p));
}

Status EtcdProgressStore::save(const workflow::HostProgress& p) {
    auto ticket = queueSave(p);
    return ticket ? writer_->wait(*ticket) : ticket.status();
}

Result<EtcdProgressStore::Ticket> EtcdProgressStore::queueSave(const workflow::HostProgress& p) {
    return writer_->submit(
        {etcd::Op::put(keys_.record("progress", p.site, p.host), json::ofProgress(p))});
}

Result<std::vector<workflow::HostProgress>> EtcdProgressStore::all() {
    auto kvs = readSiteRecords(writer_->client(), keys_);
    if (!kvs)
        return kvs.status();
    std::vector<workflow::HostProgress> out;
    for (const auto& kv : *kvs) {
        auto parsed = keys_.parse(kv.key);
        if (!parsed || parsed->kind != "progress")
            continue;
        auto p = json::progress(kv.value);
        if (!p)
            return p.status().prefixed(kv.key);
        out.push_back(std::move(*p));
    }
    return out;
}

}  // namespace vq::store
