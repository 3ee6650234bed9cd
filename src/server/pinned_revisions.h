#pragma once
// The models of the revisions some host is pinned to. The revision log keeps only the
// newest in memory; an older one a host still needs is kept here, or, after a restart,
// loaded from its stored SoT files on first use. retain() lets go of those no host needs.

#include <cstdint>
#include <map>
#include <mutex>
#include <set>

#include "control/revision.h"

#include "model/load.h"
#include "workflow/rollout_store.h"

namespace vq::server {

class PinnedRevisions {
public:
    PinnedRevisions(workflow::RolloutStore& store, model::LoadOptions options)
        : store_(store), options_(std::move(options)) {}

    void add(control::RevisionPtr rev);
    // A kept revision, else the stored one loaded (and kept); null when it is not stored or
    // no longer loads (a warning is logged once).
    control::RevisionPtr get(uint64_t number);
    // Keeps only the revisions numbered in `numbers`.
    void retain(const std::set<uint64_t>& numbers);
    size_t size() const;

private:
    workflow::RolloutStore& store_;
    model::LoadOptions options_;
    mutable std::mutex mu_;
    std::map<uint64_t, control::RevisionPtr> kept_;
    std::set<uint64_t> unloadable_;
};

}  // namespace vq::server
