#pragma once
// The state manifests the ServerAPI answers agents, made once per site and change count and
// shared by every agent of the site that polls for it, and kept for the last few change
// counts so that an agent naming the one it has gets a delta (control/wire.h Manifest::base):
// the hosts whose served boot moved and the hosts gone. A site of 100,000 hosts costs one
// pass over its hosts per change, not one per agent, and a change that moved nothing sends
// nothing but its numbers.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "control/links.h"

#include "model/model.h"

namespace vq::server {

class ManifestCache {
public:
    using Served = std::function<control::ServedBoot(
        const model::Site&, const model::Host&, const model::Model&)>;

    // `keep`: change counts remembered per site (the bases a delta can start from).
    explicit ManifestCache(Served served, size_t keep = 4)
        : served_(std::move(served)), keep_(keep == 0 ? 1 : keep) {}

    // The encoded manifest of `site` at change count `changes` and revision `revision` of
    // `model`: a delta against `since` when that change count's manifest is still kept, else
    // whole. `changes` must have been read before this call (as the ServerAPI does), so a
    // manifest made here is never older than the change count it names.
    std::shared_ptr<const std::string> answer(const model::Model& model,
                                              const model::Site& site,
                                              uint64_t revision,
                                              uint64_t changes,
                                              uint64_t since);

    // Manifests made (one pass over a site's hosts each) and deltas answered, for tests.
    uint64_t made() const { return made_.load(); }
    uint64_t deltas() const { return deltas_.load(); }

private:
    using Entries = std::unordered_map<std::string, control::ServedBoot>;
    struct Snapshot {
        uint64_t changes = 0;
        uint64_t revision = 0;
        std::shared_ptr<const Entries> entries;
        std::shared_ptr<const std::string> whole;                      // made on first use
        std::map<uint64_t, std::shared_ptr<const std::string>> delta;  // by base
    };
    struct SiteCache {
        std::mutex mu;              // one maker at a time: agents polling together share its work
        std::deque<Snapshot> kept;  // oldest first
    };

    Served served_;
    size_t keep_;
    std::mutex mu_;  // sites_
    std::unordered_map<std::string, std::shared_ptr<SiteCache>> sites_;
    std::atomic<uint64_t> made_{0};
    std::atomic<uint64_t> deltas_{0};
};

}  // namespace vq::server
