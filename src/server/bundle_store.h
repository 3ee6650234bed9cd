#pragma once
// The SoT bundles agents download, per model revision and per site. Packing a large SoT
// takes a while, so it happens on a thread of its own after a revision is published, and a
// revision is announced to agents (waitNewer) only once its bundle is ready. A site's bundle
// holds the shared directories and its own sites/<dir>/, never another site's files: an
// agent of site A receives nothing of site B. An agent that holds a kept revision receives
// only what changed since (a delta), so the newest few revisions' files are kept.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "control/links.h"
#include "control/wire.h"

#include "base/result.h"
#include "model/load.h"
#include "server/change_clock.h"

namespace vq::server {

class BundleStore {
public:
    // `root`: the SoT directory the revisions are loaded from. Keeps the newest `keep`.
    // `packed` (may be null) ticks when a revision is ready for agents: the manifest names
    // the newest packed revision.
    explicit BundleStore(std::string root, size_t keep = 4, ChangeClock* packed = nullptr);
    ~BundleStore();
    BundleStore(const BundleStore&) = delete;
    BundleStore& operator=(const BundleStore&) = delete;

    // Where a revision's files come from; unset: read from `root` when the revision is
    // packed. A follower (Etcd.HA) gives the files of the bundle the leader stored.
    using FilesOf =
        std::function<Result<std::vector<model::SotFile>>(const control::ModelRevision&)>;
    void setFiles(FilesOf files_of) { files_of_ = std::move(files_of); }
    // Where a revision no longer kept comes from (the server's pinned revisions): an agent
    // that never held the revision a host is pinned to downloads it whole. Unset: not_found.
    using Older = std::function<
        Result<std::pair<control::RevisionPtr, std::shared_ptr<const std::vector<model::SotFile>>>>(
            uint64_t)>;
    void setOlder(Older older) { older_ = std::move(older); }

    // Follows `feed` (the current revision is packed at once).
    void start(control::RevisionFeed& feed);
    // Wakes every waiter; idempotent.
    void stop();

    // The newest packed revision (revision 0 before the first).
    control::wire::RevisionInfo latest() const;
    control::RevisionPtr latestRevision() const;
    // Returns as soon as the newest packed revision is not `known`, or after `timeout`, or
    // on stop(): the newest packed revision then.
    control::wire::RevisionInfo waitNewer(uint64_t known, std::chrono::milliseconds timeout);
    // Site `site_id`'s blob of a kept revision; not_found when the revision is not kept (the
    // agent asks again for the newest) or the site is not in it. When the agent holds kept
    // revision `have`, the blob is a delta against it (model/sot_delta.h), else the whole.
    Result<std::shared_ptr<const std::string>> blob(uint64_t revision,
                                                    const std::string& site_id,
                                                    uint64_t have = 0);

private:
    struct Packed;  // a revision, its files and the blobs made of them per site
    void packLoop();

    std::string root_;
    FilesOf files_of_;
    Older older_;
    size_t keep_;
    ChangeClock* packed_clock_;
    control::RevisionFeed* feed_ = nullptr;
    uint64_t subscription_ = 0;
    mutable std::mutex mu_;
    std::condition_variable changed_;
    std::deque<std::shared_ptr<Packed>> packed_;        // oldest first
    std::deque<std::shared_ptr<Packed>> older_packed_;  // from older_, the last few asked for
    control::RevisionPtr to_pack_;
    bool stopping_ = false;
    std::thread packer_;
};

}  // namespace vq::server
