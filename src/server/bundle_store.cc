#include "server/bundle_store.h"

#include <map>
#include <optional>
#include <vector>

#include "base/log.h"
#include "model/sot_bundle.h"
#include "model/sot_delta.h"

namespace vq::server {

struct BundleStore::Packed {
    control::RevisionPtr revision;
    std::shared_ptr<const std::vector<model::SotFile>> files;
    std::map<std::string, std::shared_ptr<const std::string>> by_site;
    // Deltas by site and base revision.
    std::map<std::pair<std::string, uint64_t>, std::shared_ptr<const std::string>> deltas;
};

namespace {

// Everything but the other sites' directories; empty when the site is not in the revision.
std::optional<std::vector<model::SotFile>> siteFiles(const control::ModelRevision& rev,
                                                     const std::vector<model::SotFile>& files,
                                                     const std::string& site_id) {
    const model::Site* site = rev.model->site(site_id);
    if (site == nullptr)
        return std::nullopt;
    const std::string own = "sites/" + site->dir + "/";
    std::vector<model::SotFile> mine;
    for (const auto& f : files) {
        if (f.path.rfind("sites/", 0) == 0 && f.path.rfind(own, 0) != 0)
            continue;
        mine.push_back(f);
    }
    return mine;
}

}  // namespace

BundleStore::BundleStore(std::string root, size_t keep, ChangeClock* packed)
    : root_(std::move(root)), keep_(keep == 0 ? 1 : keep), packed_clock_(packed) {}

BundleStore::~BundleStore() {
    stop();
}

void BundleStore::start(control::RevisionFeed& feed) {
    feed_ = &feed;
    packer_ = std::thread([this] { packLoop(); });
    // Quick and non-blocking, as the feed requires: the packer does the work.
    subscription_ = feed.subscribe([this](const control::RevisionPtr& rev) {
        std::lock_guard lock(mu_);
        to_pack_ = rev;
        changed_.notify_all();
    });
}

void BundleStore::stop() {
    if (feed_ != nullptr && subscription_ != 0) {
        feed_->unsubscribe(subscription_);
        subscription_ = 0;
    }
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (packer_.joinable())
        packer_.join();
}

void BundleStore::packLoop() {
    for (;;) {
        control::RevisionPtr rev;
        {
            std::unique_lock lock(mu_);
            changed_.wait(lock, [this] { return stopping_ || to_pack_ != nullptr; });
            if (stopping_)
                return;
            rev = std::move(to_pack_);
            to_pack_.reset();
        }
        const auto started = std::chrono::steady_clock::now();
        // The files the revision was loaded from; else (when the publisher did not keep them)
        // where they come from (a follower's: the bundle the leader stored), or the SoT
        // directory as it is now.
        std::shared_ptr<const std::vector<model::SotFile>> files = rev->files;
        if (!files) {
            auto read = files_of_ ? files_of_(*rev) : model::readSotFiles(root_);
            if (!read) {
                VQ_LOG_ERROR("BUNDLE_FAILED revision={} reason=\"{}\"", rev->number,
                             read.message());
                continue;
            }
            files = std::make_shared<const std::vector<model::SotFile>>(std::move(*read));
        }
        auto p = std::make_shared<Packed>();
        p->revision = rev;
        p->files = std::move(files);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
        VQ_LOG_INFO("BUNDLE_READY revision={} files={} ms={}", rev->number, p->files->size(), ms);
        {
            std::lock_guard lock(mu_);
            packed_.push_back(std::move(p));
            while (packed_.size() > keep_)
                packed_.pop_front();
        }
        changed_.notify_all();
        if (packed_clock_ != nullptr)
            packed_clock_->tick();
    }
}

control::wire::RevisionInfo BundleStore::latest() const {
    std::lock_guard lock(mu_);
    if (packed_.empty())
        return {};
    const auto& r = *packed_.back()->revision;
    return {r.number, r.source_id, r.commit};
}

control::RevisionPtr BundleStore::latestRevision() const {
    std::lock_guard lock(mu_);
    return packed_.empty() ? nullptr : packed_.back()->revision;
}

control::wire::RevisionInfo BundleStore::waitNewer(uint64_t known,
                                                   std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, timeout, [&] {
        return stopping_ || (!packed_.empty() && packed_.back()->revision->number != known);
    });
    if (packed_.empty())
        return {};
    const auto& r = *packed_.back()->revision;
    return {r.number, r.source_id, r.commit};
}

Result<std::shared_ptr<const std::string>> BundleStore::blob(uint64_t revision,
                                                             const std::string& site_id,
                                                             uint64_t have) {
    std::shared_ptr<Packed> p, base;
    {
        std::lock_guard lock(mu_);
        for (const auto& candidate : packed_) {
            if (candidate->revision->number == revision)
                p = candidate;
            if (have != 0 && have != revision && candidate->revision->number == have)
                base = candidate;
        }
        for (const auto& candidate : older_packed_) {
            if (!p && candidate->revision->number == revision)
                p = candidate;
        }
    }
    if (!p && older_) {
        auto older = older_(revision);
        if (older) {
            p = std::make_shared<Packed>();
            p->revision = older->first;
            p->files = older->second;
            std::lock_guard lock(mu_);
            older_packed_.push_back(p);
            while (older_packed_.size() > keep_)
                older_packed_.pop_front();
        }
    }
    {
        std::lock_guard lock(mu_);
        if (!p)
            return Status::notFound("revision " + std::to_string(revision) + " is not kept");
        if (base) {
            if (auto it = p->deltas.find({site_id, have}); it != p->deltas.end())
                return it->second;
        } else if (auto it = p->by_site.find(site_id); it != p->by_site.end()) {
            return it->second;
        }
    }
    auto mine = siteFiles(*p->revision, *p->files, site_id);
    if (!mine)
        return Status::notFound("site " + site_id + " is not in revision " +
                                std::to_string(revision));
    if (base) {
        if (auto before = siteFiles(*base->revision, *base->files, site_id)) {
            auto delta =
                std::make_shared<const std::string>(model::packSotDelta(have, *before, *mine));
            std::lock_guard lock(mu_);
            p->deltas.emplace(std::make_pair(site_id, have), delta);
            return delta;
        }
    }
    auto packed = std::make_shared<const std::string>(model::packSot(std::move(*mine)));
    std::lock_guard lock(mu_);
    p->by_site.emplace(site_id, packed);
    return packed;
}

}  // namespace vq::server
