#include "server/pinned_revisions.h"

#include "base/log.h"
#include "model/sot_bundle.h"
#include "server/stored_revision_files.h"

namespace vq::server {

void PinnedRevisions::add(control::RevisionPtr rev) {
    if (!rev)
        return;
    std::lock_guard lock(mu_);
    kept_[rev->number] = std::move(rev);
}

control::RevisionPtr PinnedRevisions::get(uint64_t number) {
    std::lock_guard lock(mu_);
    if (auto it = kept_.find(number); it != kept_.end())
        return it->second;
    if (number == 0 || unloadable_.count(number) != 0)
        return nullptr;
    auto refuse = [&](const std::string& why) -> control::RevisionPtr {
        VQ_LOG_WARN("REVISION_UNAVAILABLE revision={} reason=\"{}\"", number, why);
        unloadable_.insert(number);
        return nullptr;
    };
    auto stored = storedRevisionFiles(store_, number);
    if (!stored)
        return refuse(stored.code() == StatusCode::not_found ? "not in the store"
                                                             : stored.message());
    auto loaded = model::loadSotFiles(stored->files, options_);
    if (!loaded.model || loaded.hasErrors())
        return refuse(std::to_string(loaded.errorCount()) + " error(s) loading its SoT");
    auto rev = std::make_shared<control::ModelRevision>();
    rev->number = number;
    rev->source_id = stored->revision.source_id;
    rev->commit = stored->revision.commit;
    rev->loaded = stored->revision.loaded;
    // Kept: agents that never held this revision download it (BundleStore::setOlder).
    rev->files = std::make_shared<const std::vector<NamedFile>>(std::move(stored->files));
    rev->model = loaded.model;
    VQ_LOG_INFO("REVISION_LOADED revision={} hosts={}", number, rev->model->hostCount());
    kept_[number] = rev;
    return rev;
}

void PinnedRevisions::retain(const std::set<uint64_t>& numbers) {
    std::lock_guard lock(mu_);
    for (auto it = kept_.begin(); it != kept_.end();) {
        if (numbers.count(it->first) == 0)
            it = kept_.erase(it);
        else
            ++it;
    }
}

size_t PinnedRevisions::size() const {
    std::lock_guard lock(mu_);
    return kept_.size();
}

}  // namespace vq::server
