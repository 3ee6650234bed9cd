#pragma once
// The state manifests the ServerAPI answers agents, made once per site and change count and
// shared by every agent of the site that polls for it. Each host's entry remembers the
// change count at which it last moved, so an agent naming any change count since the site's
// manifest was first made here gets a delta (control/wire.h Manifest::base): the hosts that
// moved since and the hosts gone. A site of 100,000 hosts costs one pass over its hosts per
// change, not one per agent, and a change that moved nothing sends nothing but its numbers.
//
// Revisions are written relative to `follow` (the newest revision the state engine planned):
// a host served from it says 0, so a SoT change that moves every unchanged host onto the new
// revision changes the manifest's `follow`, not 100,000 entries.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "control/links.h"

#include "model/model.h"

namespace vq::server {

class ManifestCache {
public:
    using Served = std::function<control::ServedBoot(
        const model::Site&, const model::Host&, const model::Model&)>;
    using Follow = std::function<uint64_t()>;

    // `follow` may be empty (every revision is then written as it is). `removals`: the hosts
    // gone that are remembered per site; a delta that would need an older one is sent whole.
    explicit ManifestCache(Served served, Follow follow = {}, size_t removals = 100'000)
        : served_(std::move(served)),
          follow_(std::move(follow)),
          removals_(removals == 0 ? 1 : removals) {}

    // The encoded manifest of `site` at change count `changes` of `model`, revision
    // `revision`: a delta against `since` when that count is one this cache can answer for,
    // else whole. `changes` must have been read before this call (as the ServerAPI does): a
    // manifest made here is never older than the change count it names, so one made for a
    // later count answers an earlier one too.
    std::shared_ptr<const std::string> answer(const model::Model& model,
                                              const model::Site& site,
                                              uint64_t revision,
                                              uint64_t changes,
                                              uint64_t since);

    // Manifests made (one pass over a site's hosts each) and deltas answered, for tests.
    uint64_t made() const { return made_.load(); }
    uint64_t deltas() const { return deltas_.load(); }

private:
    struct Entry {
        control::ServedBoot served;
        uint64_t moved = 0;  // the change count of the manifest it last moved in
    };
    struct SiteCache {
        std::mutex mu;         // one maker at a time: agents polling together share its work
        uint64_t changes = 0;  // the count the entries reflect (0: none made yet)
        uint64_t oldest = 0;   // deltas are answered for counts from here on
        uint64_t revision = 0;
        uint64_t follow = 0;
        std::unordered_map<std::string, Entry> entries;
        std::deque<std::pair<uint64_t, std::string>> removed;  // (count, host), oldest first
        std::shared_ptr<const std::string> whole;              // made on first use
        std::map<uint64_t, std::shared_ptr<const std::string>> delta;  // by base
    };
    void make(SiteCache& cache,
              const model::Model& model,
              const model::Site& site,
              uint64_t revision,
              uint64_t changes);

    Served served_;
    Follow follow_;
    size_t removals_;
    std::mutex mu_;  // sites_
    std::unordered_map<std::string, std::shared_ptr<SiteCache>> sites_;
    std::atomic<uint64_t> made_{0};
    std::atomic<uint64_t> deltas_{0};
};

}  // namespace vq::server
