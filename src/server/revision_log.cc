#include "server/revision_log.h"

#include <algorithm>
#include <chrono>

#include "base/log.h"

namespace vq::server {

control::RevisionPtr RevisionLog::publish(std::shared_ptr<const model::Model> model,
                                          std::string source_id,
                                          std::string commit,
                                          std::shared_ptr<const std::vector<NamedFile>> files) {
    std::lock_guard order(publish_mu_);
    auto rev = std::make_shared<control::ModelRevision>();
    rev->source_id = std::move(source_id);
    rev->commit = std::move(commit);
    rev->loaded = std::chrono::system_clock::now();
    rev->model = std::move(model);
    rev->files = std::move(files);
    std::map<uint64_t, OnRevision> subscribers, last;
    uint64_t floor = 0;
    {
        std::lock_guard lock(mu_);
        floor = next_number_;
    }
    if (numbering_) {
        auto n = numbering_(floor);
        if (!n) {
            VQ_LOG_ERROR("REVISION_NOT_NUMBERED sot={} error=\"{}\" published=none", rev->source_id,
                         n.message());
            return nullptr;
        }
        rev->number = *n;
    } else {
        rev->number = floor;
    }
    {
        std::lock_guard lock(mu_);
        next_number_ = std::max(next_number_, rev->number + 1);
    }
    const auto started = std::chrono::steady_clock::now();
    if (before_publish_)
        before_publish_(*rev);
    const auto store_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
    {
        std::lock_guard lock(mu_);
        kept_.push_back(rev);
        if (kept_.size() > keep_)
            kept_.erase(kept_.begin(), kept_.begin() + static_cast<long>(kept_.size() - keep_));
        subscribers = subscribers_;
        last = last_subscribers_;
    }
    VQ_LOG_INFO("REVISION_ACCEPTED revision={} sot={} hosts={} store_ms={}", rev->number,
                rev->source_id, rev->model ? rev->model->hostCount() : 0, store_ms);
    for (const auto& [id, fn] : subscribers)
        fn(rev);
    for (const auto& [id, fn] : last)
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

void RevisionLog::setNextNumber(uint64_t next) {
    std::lock_guard lock(mu_);
    next_number_ = std::max<uint64_t>(next, 1);
}

void RevisionLog::adopt(control::RevisionPtr rev) {
    std::lock_guard order(publish_mu_);
    std::lock_guard lock(mu_);
    next_number_ = std::max(next_number_, rev->number + 1);
    kept_.push_back(std::move(rev));
    if (kept_.size() > keep_)
        kept_.erase(kept_.begin(), kept_.begin() + static_cast<long>(kept_.size() - keep_));
}

void RevisionLog::setNumbering(std::function<Result<uint64_t>(uint64_t at_least)> fn) {
    std::lock_guard order(publish_mu_);
    numbering_ = std::move(fn);
}

void RevisionLog::setBeforePublish(std::function<void(const control::ModelRevision&)> fn) {
    std::lock_guard order(publish_mu_);
    before_publish_ = std::move(fn);
}

void RevisionLog::setOlder(std::function<control::RevisionPtr(uint64_t)> fn) {
    std::lock_guard lock(mu_);
    older_ = std::move(fn);
}

control::RevisionPtr RevisionLog::revision(uint64_t number) const {
    std::function<control::RevisionPtr(uint64_t)> older;
    {
        std::lock_guard lock(mu_);
        for (const auto& r : kept_) {
            if (r->number == number)
                return r;
        }
        older = older_;
    }
    return older ? older(number) : nullptr;
}

control::RevisionPtr RevisionLog::latest() const {
    std::lock_guard lock(mu_);
    return kept_.empty() ? nullptr : kept_.back();
}

uint64_t RevisionLog::subscribe(OnRevision on_revision) {
    return add(std::move(on_revision), subscribers_);
}

uint64_t RevisionLog::subscribeLast(OnRevision on_revision) {
    return add(std::move(on_revision), last_subscribers_);
}

uint64_t RevisionLog::add(OnRevision on_revision, std::map<uint64_t, OnRevision>& to) {
    std::lock_guard order(publish_mu_);
    control::RevisionPtr current;
    uint64_t id = 0;
    {
        std::lock_guard lock(mu_);
        id = next_subscriber_++;
        to[id] = on_revision;
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
    last_subscribers_.erase(id);
}

}  // namespace vq::server
