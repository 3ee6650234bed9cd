#pragma once
// The model revisions a server that does not lead (Etcd.HA) serves its agents: read from the
// store the leader writes, not forwarded. It polls the stored revision numbers (small keys)
// every `interval`; when the newest changes it reads that revision (its SoT bundle), loads
// the model from the bundle's files and tells its subscribers, so agents may log in, follow
// revisions and download bundles and deltas from any server, with or without a leader.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "control/links.h"

#include "base/result.h"
#include "model/load.h"
#include "workflow/rollout_store.h"

namespace vq::server {

class FollowerRevisions : public control::RevisionFeed {
public:
    FollowerRevisions(std::unique_ptr<workflow::RolloutStore> store,
                      std::chrono::milliseconds interval);
    ~FollowerRevisions() override;
    FollowerRevisions(const FollowerRevisions&) = delete;
    FollowerRevisions& operator=(const FollowerRevisions&) = delete;

    // Reads the newest revision now, then polls on a thread of its own.
    void start();
    void stop();
    // One poll: loads the newest stored revision when it is not the latest here.
    Status refresh();

    // The SoT files of a kept revision (the newest few), for the bundles agents download.
    Result<std::vector<model::SotFile>> files(uint64_t number) const;
    // Any stored revision with its files (a kept one, or loaded from the store): what an
    // agent whose host is pinned to an older revision downloads (BundleStore::setOlder).
    Result<std::pair<control::RevisionPtr, std::shared_ptr<const std::vector<model::SotFile>>>>
    older(uint64_t number) const;

    control::RevisionPtr latest() const override;
    control::RevisionPtr revision(uint64_t number) const override;
    uint64_t subscribe(OnRevision on_revision) override;
    void unsubscribe(uint64_t id) override;

private:
    struct Kept {
        control::RevisionPtr revision;
        std::shared_ptr<const std::vector<model::SotFile>> files;
    };
    void loop();
    Result<Kept> loadStored(uint64_t number) const;

    std::unique_ptr<workflow::RolloutStore> store_;
    std::chrono::milliseconds interval_;
    std::mutex refresh_mu_;  // one poll at a time; orders what subscribers are told
    mutable std::mutex mu_;
    std::vector<Kept> kept_;  // oldest first, at most kKeep
    std::map<uint64_t, OnRevision> subscribers_;
    uint64_t next_subscriber_ = 1;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread poller_;
};

}  // namespace vq::server
