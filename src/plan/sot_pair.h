#pragma once
// Loads the two sources of truth of a plan without paying for OLD twice: NEW is loaded and
// validated whole; OLD is loaded with its shared files (os, boot, workflows, assets, every
// env.yml) plus only the inventory files that differ from NEW's. A host of an inventory
// file that is byte-identical on both sides has the same document on both sides, so its OLD
// fingerprint is computed from OLD's shared parts and NEW's host; only when that fingerprint
// moved is its file loaded from OLD too, so it can be rendered. Those files are guessed
// while NEW loads (files of sites whose env moved, or naming a workflow or boot whose inputs
// moved) and loaded then; any the guess missed are loaded once NEW's fingerprints are known.
// A snippet edit touching 10 % of the hosts thus loads ~10 % of OLD's inventory.

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "plan/plan.h"

#include "base/result.h"
#include "model/load.h"

namespace vq::plan {

struct SotPairPlan {
    std::string old_error;      // OLD's files could not be read
    model::LoadResult old_sot;  // partial (see above): diagnostics cover what was read
    model::LoadResult new_sot;  // complete
    bool planned = false;       // false when either side has errors (see the diagnostics)
    Plan plan;
    size_t old_inventory_files = 0, old_inventory_files_loaded = 0;
    size_t old_inventory_files_late = 0;  // of those loaded, the ones the early guess missed
    size_t old_hosts_rendered_ahead = 0;  // OLD hosts rendered while NEW loaded
};

// OLD's files, read on the thread that loads OLD (so reading OLD's directory overlaps
// NEW's load).
using OldFiles = std::function<Result<std::vector<model::SotFile>>()>;

SotPairPlan planSotFiles(const std::vector<model::SotFile>& old_files,
                         const std::vector<model::SotFile>& new_files,
                         const model::LoadOptions& load = {},
                         const PlanOptions& options = {});
SotPairPlan planSotFiles(const OldFiles& read_old,
                         const std::vector<model::SotFile>& new_files,
                         const model::LoadOptions& load = {},
                         const PlanOptions& options = {});

// True for sites/<dir>/<file>.yml other than env.yml: a file of hosts.
bool isInventoryFile(const std::string& path);

}  // namespace vq::plan
