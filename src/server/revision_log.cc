#include "server/revision_log.h"

#include "base/log.h"

namespace vq::server {

control::RevisionPtr RevisionLog::publish(std::shared_ptr<const model::Model> model,
                                          std::string source_id,
                                          std::string commit) {
    std::lock_guard order(publish_mu_);
    auto rev = std::make_shared<control::ModelRevision>();
    rev->source_id = std::move(source_id);
    rev->commit = std::move(commit);
    rev->loaded = std::chrono::system_clock::now();
    rev->model = std::move(model);
    std::map<uint64_t, OnRevision> subscribers;
    {
        std::lock_guard lock(mu_);
        rev->number = next_number_++;
        kept_.push_back(rev);
        if (kept_.size() > keep_)
            kept_.erase(kept_.begin(), kept_.begin() + static_cast<long>(kept_.size() - keep_));
        subscribers = subscribers_;
    }
    VQ_LOG_INFO("REVISION_ACCEPTED revision={} sot={} hosts={}", rev->number, rev->source_id,
                rev->model ? rev->model->hostCount() : 0);
    for (const auto& [id, fn] : subscribers)
        fn(rev);
    return rev;
}

control::RevisionPtr RevisionLog::find(uint64_t number) const {
    std::lock_guard lock(mu_);
    for (const auto& r : kept_) {
        if (r->number == number)
            return r;
    }
    return nullptr;
}

control::RevisionPtr RevisionLog::latest() const {
    std::lock_guard lock(mu_);
    return kept_.empty() ? nullptr : kept_.back();
}

uint64_t RevisionLog::subscribe(OnRevision on_revision) {
    std::lock_guard order(publish_mu_);
    control::RevisionPtr current;
    uint64_t id = 0;
    {
        std::lock_guard lock(mu_);
        id = next_subscriber_++;
        subscribers_[id] = on_revision;
        current = kept_.empty() ? nullptr : kept_.back();
    }
    if (current)
        on_revision(current);
    return id;
}

void RevisionLog::unsubscribe(uint64_t id) {
    std::lock_guard order(publish_mu_);
    std::lock_guard lock(mu_);
    subscribers_.erase(id);
}

}  // namespace vq::server
