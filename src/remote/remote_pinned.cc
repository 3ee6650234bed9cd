// RemoteLinks' pinned revisions: the older revisions the manifest serves hosts from, kept
// in memory (fetched when never held) and on disk beside the newest, and dropped once no
// host names them.
#include "remote/remote_links.h"

#include "base/log.h"
#include "model/sot_bundle.h"
#include "model/sot_delta.h"

namespace vq::remote {
namespace wire = control::wire;

control::RevisionPtr RemoteLinks::revision(uint64_t number) const {
    std::lock_guard lock(rev_mu_);
    auto it = held_.find(number);
    return it != held_.end() ? it->second : nullptr;
}

void RemoteLinks::keepPinned() {
    std::lock_guard one(pinning_mu_);  // the watch and manifest threads both call it
    std::set<uint64_t> wanted;
    uint64_t follow = 0;
    uint64_t newest = 0;
    {
        std::lock_guard lock(manifest_mu_);
        follow = manifest_follow_;
        if (pins_dirty_) {  // a pass over every host only when some entry moved
            pins_.clear();
            for (const auto& [name, served] : manifest_)
                pins_.insert(served.revision);
            pins_dirty_ = false;
        }
        wanted = pins_;
        wanted.insert(follow);
    }
    std::vector<uint64_t> missing;
    {
        std::lock_guard lock(rev_mu_);
        newest = server_revision_;
        wanted.insert(server_revision_);
        // Those newer than the followed one may be followed next (the engine has not planned
        // them yet), so they stay too: the newest few, should the engine lag far behind.
        size_t newer = 0;
        for (auto it = held_.rbegin(); it != held_.rend(); ++it)
            newer += it->first > follow ? 1 : 0;
        std::erase_if(held_, [&](const auto& kv) {
            if (wanted.count(kv.first) != 0)
                return false;
            if (kv.first < follow)
                return true;
            return newer > kHeldAhead ? (--newer, true) : false;  // oldest first
        });
        for (uint64_t r : wanted) {
            // Newer ones come through the watch; 0 is the newest.
            if (r != 0 && r < server_revision_ && held_.count(r) == 0 &&
                pinned_missing_.count(r) == 0)
                missing.push_back(r);
        }
    }
    for (uint64_t r : missing) {
        if (stopping())
            return;
        fetchPinned(r);
    }
    cachePinned(newest);
}

// The older revisions the manifest's entries name are cached whole beside the newest, so
// an agent started from its cache during an outage serves those hosts what it served them.
void RemoteLinks::cachePinned(uint64_t newest) {
    std::set<uint64_t> pinned;
    {
        std::lock_guard lock(manifest_mu_);
        for (uint64_t r : pins_) {
            if (r != 0 && r < newest)
                pinned.insert(r);
        }
    }
    if (pinned == cached_pins_)
        return;
    std::set<uint64_t> now;
    for (uint64_t r : pinned) {
        if (cached_pins_.count(r) != 0) {
            now.insert(r);
            continue;
        }
        {
            std::lock_guard lock(rev_mu_);
            if (pinned_missing_.count(r) != 0)
                continue;
        }
        auto whole = downloadBundle(r, 0);
        if (whole && whole->status == 200 && cache_.savePinned(r, whole->body))
            now.insert(r);
    }
    cache_.dropPinnedExcept(now);
    cached_pins_ = std::move(now);
}

// A revision hosts are pinned to that this agent never held (it started later or from its
// cache, or went past it to a newer one): downloaded as a delta from the revision it serves
// and loaded through the same parse cache, so it costs what a new revision costs. Until
// then, and when the server no longer has it, those hosts are served the newest revision.
void RemoteLinks::fetchPinned(uint64_t revision) {
    uint64_t have = 0;
    {
        std::lock_guard lock(sot_mu_);
        have = sot_.base();
    }
    auto bundle = downloadBundle(revision, have);
    if (!bundle || bundle->status != 200) {
        const std::string why = bundle ? wire::errorMessage(bundle->body) : bundle.message();
        VQ_LOG_WARN("AGENT_PINNED_REVISION_MISSING revision={} reason=\"{}\" serving=newest",
                    revision, why);
        if (bundle && bundle->status == 404) {
            std::lock_guard lock(rev_mu_);
            pinned_missing_.insert(revision);
        }
        return;
    }
    std::unique_lock sot_lock(sot_mu_);
    if (model::isSotDelta(bundle->body) && sot_.base() != have)
        return;  // a newer revision came meanwhile: asked again at the next manifest
    auto loaded = sot_.load(bundle->body);  // not accepted: the newest stays the base
    sot_lock.unlock();
    if (!loaded) {
        VQ_LOG_WARN("AGENT_PINNED_REVISION_REFUSED revision={} reason=\"{}\" serving=newest",
                    revision, loaded.message());
        std::lock_guard lock(rev_mu_);
        pinned_missing_.insert(revision);
        return;
    }
    // Cached from the files it was loaded from: the whole bundle is not downloaded again.
    const Status cached =
        loaded->from_delta ? cache_.savePinned(revision, model::packSot(std::move(loaded->files)))
                           : cache_.savePinned(revision, bundle->body);
    if (cached)
        cached_pins_.insert(revision);
    auto rev = std::make_shared<control::ModelRevision>();
    rev->number = revision;
    rev->loaded = std::chrono::system_clock::now();
    rev->model = loaded->model;
    VQ_LOG_INFO("AGENT_PINNED_REVISION revision={} bytes={}", revision, bundle->body.size());
    std::lock_guard lock(rev_mu_);
    held_[revision] = std::move(rev);
}

}  // namespace vq::remote
