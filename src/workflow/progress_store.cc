#include "workflow/progress_store.h"

namespace vq::workflow {

Result<std::optional<HostProgress>> MemoryProgressStore::load(const std::string& site,
                                                              const std::string& host) {
    std::lock_guard lock(mu_);
    auto it = records_.find({site, host});
    if (it == records_.end())
        return std::optional<HostProgress>();
    return std::optional<HostProgress>(it->second);
}

Status MemoryProgressStore::save(const HostProgress& p) {
    std::lock_guard lock(mu_);
    if (fail_saves_)
        return Status::unavailable("memory store: saves disabled");
    records_[{p.site, p.host}] = p;
    ++saves_;
    return Status::ok();
}

Result<std::vector<HostProgress>> MemoryProgressStore::all() {
    std::lock_guard lock(mu_);
    std::vector<HostProgress> out;
    out.reserve(records_.size());
    for (const auto& [key, p] : records_)
        out.push_back(p);
    return out;
}

void MemoryProgressStore::failSaves(bool fail) {
    std::lock_guard lock(mu_);
    fail_saves_ = fail;
}

size_t MemoryProgressStore::saves() const {
    std::lock_guard lock(mu_);
    return saves_;
}

}  // namespace vq::workflow
