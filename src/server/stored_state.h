#pragma once
// Everything a store holds for one SoT, by site: what `vaquero migrate` reads from one
// store, renames, writes into another and compares to verify the copy. Read and written
// through the store interfaces (workflow::RolloutStore, workflow::ProgressStore), so it is
// the same whatever keeps it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "workflow/progress_store.h"
#include "workflow/rollout_store.h"

namespace vq::server {

struct SiteState {
    std::map<std::string, workflow::HostRecord> hosts;  // by host name
    std::map<std::string, workflow::FlowRecord> flows;  // by workflow name
    std::map<std::string, std::vector<workflow::StoredTransition>> history;
    std::map<std::string, workflow::HostProgress> progress;
};

struct SotState {
    // The revision the rollout planned last (0: none stored). Host records name their
    // revisions here: none follows it (workflow::HostRecord::follows), so a site's records
    // mean the same in any store.
    uint64_t follow = 0;
    std::map<uint64_t, workflow::StoredRevision> revisions;
    std::map<std::string, SiteState> sites;
    bool empty() const { return revisions.empty() && sites.empty(); }
};

Result<SotState> readSot(workflow::RolloutStore& rollout, workflow::ProgressStore& progress);
Status writeSot(const SotState& state,
                workflow::RolloutStore& rollout,
                workflow::ProgressStore& progress);

// The same SoT with every site renamed `site` (the source had one) and progress records
// following.
SotState renameSites(SotState state, const std::string& site);
// Keeps only `site` (and no revisions: they belong to the whole SoT).
SotState onlySite(SotState state, const std::string& site);

// What `incoming` would overwrite in `existing`, as "<prefix>site/kind/name" lines.
std::vector<std::string> collisions(const SotState& incoming,
                                    const SotState& existing,
                                    const std::string& prefix);
// Whether everything of `expected` is in `actual`, equal; the first difference otherwise.
std::string firstDifference(const SotState& expected, const SotState& actual);

}  // namespace vq::server
