#include "server/follower_revisions.h"

#include <algorithm>

#include "base/log.h"
#include "model/sot_bundle.h"
#include "server/stored_revision_files.h"

namespace vq::server {
namespace {
// As many as the bundle store keeps for deltas.
constexpr size_t kKeep = 4;
}  // namespace

FollowerRevisions::FollowerRevisions(std::unique_ptr<workflow::RolloutStore> store,
                                     std::chrono::milliseconds interval)
    : store_(std::move(store)), interval_(interval) {}

FollowerRevisions::~FollowerRevisions() {
    stop();
}

void FollowerRevisions::start() {
    if (Status st = refresh(); !st)
        VQ_LOG_WARN("FOLLOWER_REVISION_NOT_READ reason=\"{}\"", st.message());
    poller_ = std::thread([this] { loop(); });
}

void FollowerRevisions::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (poller_.joinable())
        poller_.join();
}

void FollowerRevisions::loop() {
    for (;;) {
        {
            std::unique_lock lock(mu_);
            if (wake_.wait_for(lock, interval_, [this] { return stopping_; }))
                return;
        }
        if (Status st = refresh(); !st)
            VQ_LOG_WARN("FOLLOWER_REVISION_NOT_READ reason=\"{}\"", st.message());
    }
}

Status FollowerRevisions::refresh() {
    std::lock_guard serial(refresh_mu_);
    auto numbers = store_->revisionNumbers();
    if (!numbers)
        return numbers.status();
    if (numbers->empty())
        return Status::ok();
    const uint64_t newest = *std::max_element(numbers->begin(), numbers->end());
    if (auto have = latest(); have && have->number == newest)
        return Status::ok();
    auto kept = loadStored(newest);
    if (!kept && kept.code() == StatusCode::not_found)
        return Status::ok();  // pruned meanwhile: the next poll reads the newer one
    if (!kept)
        return kept.status();
    const control::RevisionPtr rev = kept->revision;
    std::map<uint64_t, OnRevision> tell;
    {
        std::lock_guard lock(mu_);
        kept_.push_back(std::move(*kept));
        if (kept_.size() > kKeep)
            kept_.erase(kept_.begin());
        tell = subscribers_;
    }
    VQ_LOG_INFO("FOLLOWER_REVISION revision={} hosts={}", newest, rev->model->hostCount());
    for (auto& [id, fn] : tell)
        fn(rev);
    return Status::ok();
}

Result<FollowerRevisions::Kept> FollowerRevisions::loadStored(uint64_t number) const {
    auto stored = storedRevisionFiles(*store_, number);
    if (!stored)
        return stored.status();
    model::LoadResult loaded = model::loadSotFiles(stored->files);
    if (!loaded.model || loaded.hasErrors()) {
        std::string first = loaded.diagnostics.empty() ? "" : loaded.diagnostics.front().toString();
        return Status::invalidArgument("revision " + std::to_string(number) + ": " +
                                       std::to_string(loaded.errorCount()) +
                                       " error(s) in its SoT, first: " + first);
    }
    auto rev = std::make_shared<control::ModelRevision>();
    rev->number = number;
    rev->source_id = stored->revision.source_id;
    rev->commit = stored->revision.commit;
    rev->loaded = stored->revision.loaded;
    rev->model = loaded.model;
    return Kept{rev, std::make_shared<const std::vector<model::SotFile>>(std::move(stored->files))};
}

Result<std::pair<control::RevisionPtr, std::shared_ptr<const std::vector<model::SotFile>>>>
FollowerRevisions::older(uint64_t number) const {
    {
        std::lock_guard lock(mu_);
        for (const auto& k : kept_) {
            if (k.revision->number == number)
                return std::make_pair(k.revision, k.files);
        }
    }
    auto kept = loadStored(number);
    if (!kept)
        return kept.status();
    return std::make_pair(kept->revision, kept->files);
}

Result<std::vector<model::SotFile>> FollowerRevisions::files(uint64_t number) const {
    std::lock_guard lock(mu_);
    for (const auto& k : kept_) {
        if (k.revision->number == number)
            return *k.files;
    }
    return Status::notFound("revision " + std::to_string(number) + " is not kept");
}

control::RevisionPtr FollowerRevisions::latest() const {
    std::lock_guard lock(mu_);
    return kept_.empty() ? nullptr : kept_.back().revision;
}

control::RevisionPtr FollowerRevisions::revision(uint64_t number) const {
    std::lock_guard lock(mu_);
    for (const auto& k : kept_) {
        if (k.revision->number == number)
            return k.revision;
    }
    return nullptr;
}

uint64_t FollowerRevisions::subscribe(OnRevision on_revision) {
    std::lock_guard serial(refresh_mu_);  // none missed, none told twice
    control::RevisionPtr current;
    uint64_t id = 0;
    {
        std::lock_guard lock(mu_);
        id = next_subscriber_++;
        subscribers_[id] = on_revision;
        current = kept_.empty() ? nullptr : kept_.back().revision;
    }
    if (current)
        on_revision(current);
    return id;
}

void FollowerRevisions::unsubscribe(uint64_t id) {
    std::lock_guard lock(mu_);
    subscribers_.erase(id);
}

}  // namespace vq::server
